import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNmeaFix } from '../../simulator/devices/encodeNmeaFix';
import { openDevIssuer } from '../../hub/createHubAuth';
import { readHubConfig } from '../../config/hubConfig';
import { type ProcessRun as Run, runToEnd } from '../support/runToEnd';
import { CITY_FREE_PORTS } from '../support/startTestHub';

// `npm start` on its DEFAULT data directory (PGLITE_DATA_DIR unset: `.rtcc/data` under the
// working directory, here a temporary one), stopped with SIGINT and started again: what it
// acknowledged is still there, and `npm run audit:verify` with no setting checks it. PGlite
// only: on PostgreSQL (DATABASE_URL) the data directory plays no part.

const ROOT = join(__dirname, '..', '..');
/** tsx's loader by path: the hub runs in a directory that has no node_modules. */
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');

/** What the hub inherits: this environment without any storage setting, so that the defaults apply. */
function hubEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, PGLITE_DATA_DIR: _dir, DATABASE_SCHEMA_PREFIX: _prefix, AUTH_DEV_KEY_FILE: _key, ...inherited } = process.env;
  return {
    ...inherited,
    ...CITY_FREE_PORTS,
    SIM_SEED: '1',
    SIM_UNITS: '4',
    SIM_CAMERAS: '10',
    SIM_ONVIF_CAMERAS: '0',
    // What one run stored must survive the restart; a second run's replayed hour would only crowd the pages compared.
    SIM_HISTORY_MINUTES: '0',
    LOG_LEVEL: 'warn',
  };
}

/** Runs a script of the project to its end in `cwd`. */
function runScript(script: string, args: readonly string[], cwd: string): Promise<Run> {
  return runToEnd(spawn(process.execPath, ['--import', TSX, join(ROOT, script), ...args], { cwd, env: hubEnv() }));
}

/** A running `npm start` (hub/main.ts) and the endpoints its banner printed. */
interface HubProcess {
  readonly child: ChildProcess;
  readonly graphqlUrl: string;
  readonly eidoUrl: string;
  readonly avlUdpPort: number;
  /** SIGINT, then resolves with the exit code once it has stopped. */
  stop(): Promise<number | null>;
}

async function startHubProcess(cwd: string, started: ChildProcess[]): Promise<HubProcess> {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'hub', 'main.ts')], { cwd, env: hubEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/RTCC Hub ready: /.test(stdout)) resolve();
    });
    void exited.then((code) => reject(new Error(`hub exited with ${code} before it was ready:\n${stdout}\n${stderr}`)));
  });
  const graphqlUrl = /RTCC Hub ready: (http:\/\/localhost:\d+\/graphql)/.exec(stdout)?.[1];
  const eidoUrl = /adapter eido-http (http:\/\/localhost:\d+\/eido)/.exec(stdout)?.[1];
  const avlUdpPort = /adapter avl udp:\/\/localhost:(\d+)/.exec(stdout)?.[1];
  if (!graphqlUrl || !eidoUrl || !avlUdpPort) throw new Error(`unexpected banner:\n${stdout}`);
  return {
    child,
    graphqlUrl,
    eidoUrl,
    avlUdpPort: Number(avlUdpPort),
    async stop() {
      child.kill('SIGINT');
      return exited;
    },
  };
}

/** A token of the hub's development issuer, whose key the hub created in its default place under `<cwd>/.rtcc`. */
async function tokenFor(cwd: string, role: string): Promise<string> {
  const issuer = await openDevIssuer(readHubConfig({ AUTH_DEV_KEY_FILE: join(cwd, '.rtcc', 'dev-issuer-key.json') }));
  if (!issuer) throw new Error('no development issuer');
  return issuer.sign({ subject: `restart-${role}`, roles: [role] });
}

async function graphql<T>(hub: HubProcess, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(hub.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, attempts = 100): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`never happened: ${what}`);
}

function sendDatagram(port: number, payload: string): Promise<void> {
  const socket = createSocket('udp4');
  return new Promise<void>((resolve, reject) => socket.send(payload, port, '127.0.0.1', (error) => (error ? reject(error) : resolve()))).finally(() =>
    socket.close(),
  );
}

/** A unit far from the simulated city (no simulated car comes within the search radius). */
const LONE_UNIT = { deviceId: 'restart-modem-1', unitId: 'unit-restart-1', point: { lat: 33.2, lon: -111.5 } };
const INCIDENT_ID = 'urn:emergency:uid:incidentid:restart-1:psap.mesa.az.us';

const SNAPSHOT_QUERY = `query ($point: GeoPointInput!) {
  incidents(first: 100) { edges { node { id number typeText status } } }
  deadLetters(first: 100) { edges { node { id source reason raw receivedAt } } }
  devices { deviceId unit { id } }
  unitsNear(point: $point, radiusMeters: 100, limit: 5) { unit { id position { fixAt point { lat lon } } } }
}`;

interface Snapshot {
  incidents: { edges: { node: { id: string; number: string; typeText: string; status: string } }[] };
  deadLetters: { edges: { node: { id: string; source: string; reason: string; raw: string; receivedAt: string } }[] };
  devices: { deviceId: string; unit: { id: string } }[];
  unitsNear: { unit: { id: string; position: { fixAt: string; point: { lat: number; lon: number } } } }[];
}

/** Every audit record, as id → hash (newest first, page by page). */
async function auditTrail(hub: HubProcess, token: string): Promise<Map<string, string>> {
  const records = new Map<string, string>();
  let after: string | null = null;
  for (;;) {
    const page: { auditRecords: { edges: { node: { id: string; hash: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } =
      await graphql(hub, token, 'query ($after: String) { auditRecords(first: 100, after: $after) { edges { node { id hash } } pageInfo { hasNextPage endCursor } } }', { after });
    for (const { node } of page.auditRecords.edges) records.set(node.id, node.hash);
    if (!page.auditRecords.pageInfo.hasNextPage) return records;
    after = page.auditRecords.pageInfo.endCursor;
  }
}

describe('npm start remembers across a restart (default data directory)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'rtcc-restart-'));
  const started: ChildProcess[] = [];
  afterAll(() => {
    for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  });

  it('keeps incidents, dead letters, positions and the audit trail through SIGINT and a second start; audit:verify passes with no setting', async () => {
    const first = await startHubProcess(cwd, started);
    expect(existsSync(join(cwd, '.rtcc', 'data', 'PG_VERSION'))).toBe(true);
    const supervisor = await tokenFor(cwd, 'supervisor');
    const auditor = await tokenFor(cwd, 'auditor');
    const adapterToken = await tokenFor(cwd, 'adapter');

    // A CAD pushes an incident (202: acknowledged) and a document that is no EIDO (a dead letter).
    const post = (body: unknown) =>
      fetch(first.eidoUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adapterToken}` }, body: JSON.stringify(body) });
    const accepted = await post({
      $id: INCIDENT_ID,
      lastUpdateTimeStamp: new Date().toISOString(),
      incidentComponent: { $id: 'ic-1', incidentTypeCommonRegistryText: 'ROBBERY', internalIncidentId: 'MPD-RESTART-1', locationReference: [{ $ref: 'loc-1' }] },
      locationComponent: [
        {
          $id: 'loc-1',
          locationByValue:
            '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" xmlns:gml="http://www.opengis.net/gml" entity="pres:x@y"><tuple id="t"><status><gp:geopriv><gp:location-info><gml:Point><gml:pos>33.4152 -111.8315</gml:pos></gml:Point></gp:location-info></gp:geopriv></status></tuple></presence>',
        },
      ],
    });
    expect(accepted.status).toBe(202);
    await post({ restart: 'not an EIDO document' });
    // A modem of our own: assigned, one good fix (written behind: SIGINT must flush it) and one bad datagram.
    await graphql(first, supervisor, 'mutation ($d: ID!, $u: ID!) { assignDevice(deviceId: $d, unitId: $u) { deviceId } }', { d: LONE_UNIT.deviceId, u: LONE_UNIT.unitId });
    const fixAt = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    await sendDatagram(first.avlUdpPort, encodeNmeaFix({ point: LONE_UNIT.point, headingDegrees: 90, speedKph: 30, fixAt } as Parameters<typeof encodeNmeaFix>[0], LONE_UNIT.deviceId));
    await sendDatagram(first.avlUdpPort, `${LONE_UNIT.deviceId},$GPRMC,120000.00,A,3312.0000,N,11130.0000,W,0,0,031226,,,A*00`);

    const before = await eventually(async () => {
      const snapshot = await graphql<Snapshot>(first, supervisor, SNAPSHOT_QUERY, { point: LONE_UNIT.point });
      const ready =
        snapshot.incidents.edges.some(({ node }) => node.id === INCIDENT_ID) &&
        snapshot.deadLetters.edges.some(({ node }) => node.source === 'eido-http') &&
        snapshot.deadLetters.edges.some(({ node }) => node.source === 'avl') &&
        snapshot.unitsNear.length === 1;
      return ready ? snapshot : undefined;
    }, 'the incident, both dead letters and the lone unit');
    const trailBefore = await auditTrail(first, auditor);
    expect(trailBefore.size).toBeGreaterThan(0);

    // A second hub on the same directory is refused, as is audit:verify while the hub runs.
    const intruder = await runScript(join('hub', 'main.ts'), [], cwd);
    expect(intruder.code).not.toBe(0);
    expect(intruder.stderr).toMatch(new RegExp(`in use by process ${first.child.pid}`));
    const verifyWhileRunning = await runScript(join('cli', 'auditVerify.ts'), [], cwd);
    expect(verifyWhileRunning.code).toBe(2);
    expect(verifyWhileRunning.stderr).toMatch(/in use by process/);

    // A last fix, stopped as soon as it shows: the AVL store writes fixes behind, and SIGINT must flush it.
    const lastFixAt = new Date(Date.parse(fixAt) + 1000).toISOString();
    const moved = { lat: LONE_UNIT.point.lat, lon: LONE_UNIT.point.lon + 0.0002 };
    await sendDatagram(first.avlUdpPort, encodeNmeaFix({ point: moved, headingDegrees: 90, speedKph: 30, fixAt: lastFixAt } as Parameters<typeof encodeNmeaFix>[0], LONE_UNIT.deviceId));
    const lastSeen = await eventually(async () => {
      const { unitsNear } = await graphql<Pick<Snapshot, 'unitsNear'>>(first, supervisor, 'query ($p: GeoPointInput!) { unitsNear(point: $p, radiusMeters: 100, limit: 5) { unit { id position { fixAt point { lat lon } } } } }', { p: LONE_UNIT.point });
      return unitsNear[0]?.unit.position.fixAt === lastFixAt ? unitsNear : undefined;
    }, 'the last fix');
    expect(await first.stop()).toBe(0);
    expect(existsSync(join(cwd, '.rtcc', 'data', 'rtcc-hub.lock'))).toBe(false);

    const second = await startHubProcess(cwd, started);
    const after = await graphql<Snapshot>(second, supervisor, SNAPSHOT_QUERY, { point: LONE_UNIT.point });
    // Incidents keep what the first run stored (the simulated city's new run has ids of its own).
    const incidentsAfter = new Map(after.incidents.edges.map(({ node }) => [node.id, node]));
    for (const { node } of before.incidents.edges) expect(incidentsAfter.get(node.id)).toEqual(node);
    const lettersAfter = new Map(after.deadLetters.edges.map(({ node }) => [node.id, node]));
    for (const { node } of before.deadLetters.edges) expect(lettersAfter.get(node.id)).toEqual(node);
    expect(after.devices).toContainEqual({ deviceId: LONE_UNIT.deviceId, unit: { id: LONE_UNIT.unitId } });
    // The kd-tree of positions is loaded from the table: the lone unit is found where it was.
    expect(before.unitsNear[0]?.unit.position.fixAt).toBe(fixAt);
    expect(after.unitsNear).toEqual(lastSeen);
    const trailAfter = await auditTrail(second, auditor);
    for (const [id, hash] of trailBefore) expect(trailAfter.get(id)).toBe(hash);
    expect(trailAfter.size).toBeGreaterThan(trailBefore.size);

    expect(await second.stop()).toBe(0);
    const verify = await runScript(join('cli', 'auditVerify.ts'), [], cwd);
    expect(verify.stderr).toBe('');
    expect(verify.stdout).toMatch(/OK: the chain is intact/);
    const checked = Number(/records checked: (\d+)/.exec(verify.stdout)?.[1]);
    expect(checked).toBeGreaterThanOrEqual(trailAfter.size);
    expect(verify.code).toBe(0);

    // A hub that dies without closing (SIGKILL) leaves its lock behind: the next process sees
    // that its holder is gone, takes the directory over, and PGlite recovers the database.
    const crashed = await startHubProcess(cwd, started);
    const crashedPid = crashed.child.pid;
    crashed.child.kill('SIGKILL');
    await new Promise((resolve) => crashed.child.once('exit', resolve));
    expect(readFileSync(join(cwd, '.rtcc', 'data', 'rtcc-hub.lock'), 'utf8')).toContain(`"pid":${crashedPid}`);
    const afterCrash = await runScript(join('cli', 'auditVerify.ts'), [], cwd);
    expect(afterCrash.stdout).toMatch(/OK: the chain is intact/);
    expect(afterCrash.code).toBe(0);
  }, 180_000);
});

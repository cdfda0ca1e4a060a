import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CITY_FREE_PORTS } from '../support/startTestHub';

/** Waits until the child prints a line matching `pattern`, and returns the match. */
function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const match = buffered.match(pattern);
      if (match) {
        child.stdout?.off('data', onData);
        resolve(match);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing ${pattern}:\n${buffered}`)));
  });
}

describe('npm start (hub/main.ts)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('starts the whole hub with the simulated city, prints the gateway URL, and stops cleanly on SIGINT', async () => {
    // The development issuer's key, shared by the hub and `npm run token` as on a newcomer's machine.
    const keyFile = join(tmpdir(), `rtcc-npmstart-${process.pid}-${Date.now()}.json`);
    child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'hub', 'main.ts')], {
      env: {
        ...process.env,
        AUTH_DEV_KEY_FILE: keyFile,
        DATABASE_URL: '',
        // The default data directory is the developer's own (test/hub/restart.test.ts runs on it in a temp directory).
        PGLITE_DATA_DIR: 'memory',
        ...CITY_FREE_PORTS,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const banner = waitForLine(child, /adapter eido-http (http:\/\/localhost:\d+\/eido)/);
    const [, url] = await waitForLine(child, /RTCC Hub ready: (http:\/\/localhost:\d+\/graphql)/);
    const [, eidoUrl] = await banner;
    const tokenFor = (role: string) =>
      execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'cli', 'token.ts'), '--role', role], {
        env: { ...process.env, AUTH_DEV_KEY_FILE: keyFile },
        encoding: 'utf8',
      }).trim();
    const readyAt = Date.now();
    const token = tokenFor('operator');
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    // The city came up with its last hour (SIM_HISTORY_MINUTES=60): incidents are there at once,
    // asked for until a deadline 5 s after "ready" (a deadline to wait for, not a speed measured).
    const askIncidents = async () => {
      const response = await fetch(url!, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: '{ incidents(first: 5) { edges { node { id number status reportedAt } } } }' }),
      });
      return (await response.json()) as { data?: { incidents: { edges: { node: { reportedAt: string } }[] } } };
    };
    let incidents = await askIncidents();
    while ((incidents.data?.incidents.edges.length ?? 0) < 5 && Date.now() - readyAt < 5000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      incidents = await askIncidents();
    }
    expect(incidents.data?.incidents.edges).toHaveLength(5);
    // Reported during the past hour at their own times, not all "now".
    const reportedAt = incidents.data!.incidents.edges.map(({ node }) => Date.parse(node.reportedAt));
    for (const at of reportedAt) expect(at).toBeGreaterThan(readyAt - 3600_000 - 120_000);
    expect(new Set(reportedAt).size).toBe(5);
    // A CAD authenticates its EIDO POSTs: a token of the adapter role from the same issuer.
    const adapterToken = tokenFor('adapter');
    // The simulated city reaches the hub through the adapters: units from its CAD roster at once,
    // cameras once the camera-CSV adapter has imported the simulated VMS export (a poll later).
    const ask = async () => {
      const response = await fetch(url!, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: '{ units(first: 100) { edges { cursor } } cameras(first: 5) { edges { node { id } } } }' }),
      });
      return (await response.json()) as { data: { units: { edges: unknown[] }; cameras: { edges: unknown[] } } };
    };
    let body = await ask();
    for (let attempt = 0; attempt < 150 && body.data.cameras.edges.length < 5; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      body = await ask();
    }
    expect(body.data.units.edges).toHaveLength(40);
    expect(body.data.cameras.edges).toHaveLength(5);

    // A CAD pushes an EIDO document to the adapter; the incident appears in the API.
    const unauthenticated = await fetch(eidoUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unauthenticated.status).toBe(401);
    const eido = await fetch(eidoUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adapterToken}` },
      body: JSON.stringify({
        $id: 'urn:emergency:uid:incidentid:npmstart:psap.mesa.az.us',
        lastUpdateTimeStamp: '2026-11-23T15:05:00.0-07:00',
        incidentComponent: {
          $id: 'ic-1',
          incidentTypeCommonRegistryText: 'ROBBERY',
          internalIncidentId: 'MPD-NPMSTART',
          locationReference: [{ $ref: 'loc-1' }],
        },
        locationComponent: [
          {
            $id: 'loc-1',
            locationByValue:
              '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" xmlns:gml="http://www.opengis.net/gml" entity="pres:x@y"><tuple id="t"><status><gp:geopriv><gp:location-info><gml:Point><gml:pos>33.4152 -111.8315</gml:pos></gml:Point></gp:location-info></gp:geopriv></status></tuple></presence>',
          },
        ],
      }),
    });
    expect(eido.status).toBe(202);
    const incident = await fetch(url!, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: '{ incident(id: "urn:emergency:uid:incidentid:npmstart:psap.mesa.az.us") { number typeText nearbyCameras { distanceMeters } } }' }),
    });
    const incidentBody = (await incident.json()) as { data: { incident: { number: string; nearbyCameras: unknown[] } | null } };
    expect(incidentBody.data.incident?.number).toBe('MPD-NPMSTART');

    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    const stopped = waitForLine(child, /Stopped\./);
    child.kill('SIGINT');
    await stopped;
    expect(await exited).toBe(0);
  });
});

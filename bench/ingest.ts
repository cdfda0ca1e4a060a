// `npm run bench:ingest`: AVL fixes/s and EIDO documents/s, parse only and end to end
// (parse → validate → store → publish), on the embedded database unless DATABASE_URL is set.
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import pino from 'pino';
import { type AvlAdapter, createAvlAdapter, translateAvlPayload } from '../adapters/avl';
import { createApcoIncidentCodeTable, translateEido } from '../adapters/eido';
import { type EidoHttpAdapter, createEidoHttpAdapter } from '../adapters/eido-http';
import { createNmeaFixAssembler } from '../adapters/nmea';
import { createTaipFixAssembler } from '../adapters/taip';
import { createHub } from '../hub/createHub';
import { readHubConfig } from '../config/hubConfig';
import { generateNmeaFixes } from './ingest/generateNmeaFixes';

const FIXES = Number(process.env.BENCH_FIXES ?? 50_000);
const DEVICES = Number(process.env.BENCH_DEVICES ?? 1000);
const EIDO_DOCUMENTS = Number(process.env.BENCH_EIDO_DOCUMENTS ?? 2000);
const PER_DATAGRAM = 10;
// Two hours ago, to the second: the end-to-end fixes (an hour later, one a second per device) and
// documents stay in the past, as the hub's bounds on vendor times require, and inside retention.
const start = new Date(Math.floor(Date.now() / 1000) * 1000 - 2 * 3_600_000);
const log = (message: string) => console.log(`[bench ${(performance.now() / 1000).toFixed(1)} s] ${message}`);

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
}

function eidoDocument(i: number): Record<string, unknown> {
  const id = `urn:emergency:uid:incidentid:bench${i}:psap.mesa.az.us`;
  const at = new Date(start.getTime() + i * 1000).toISOString();
  const pidf = `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" xmlns:gml="http://www.opengis.net/gml" entity="pres:bench@mesa.az.us"><tuple id="t"><status><gp:geopriv><gp:location-info><gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>${(33.40 + (i % 100) * 0.0005).toFixed(5)} -111.83</gml:pos></gml:Point></gp:location-info><gp:usage-rules/></gp:geopriv></status></tuple></presence>`;
  return {
    $id: id,
    lastUpdateTimeStamp: at,
    eidoVersion: '1.0',
    incidentComponent: {
      $id: `ic-${i}`,
      lastUpdateTimeStamp: at,
      incidentTypeCommonRegistryText: 'ROBBERY',
      incidentStatusCommonRegistryText: ['Dispatched'],
      internalIncidentId: `MPDB${String(i).padStart(6, '0')}`,
      locationReference: [{ $ref: `loc-${i}` }],
    },
    locationComponent: [{ $id: `loc-${i}`, lastUpdateTimeStamp: at, locationByValue: pidf }],
  };
}

async function measureParse() {
  const lines = generateNmeaFixes(FIXES, DEVICES, start);
  const datagrams: string[] = [];
  for (let i = 0; i < lines.length; i += PER_DATAGRAM) datagrams.push(lines.slice(i, i + PER_DATAGRAM).join('\r\n'));
  const options = {
    source: 'bench',
    nmea: createNmeaFixAssembler(),
    taip: createTaipFixAssembler({ now: () => start }),
    unitFor: (deviceId: string) => `unit-${deviceId}`,
  };
  const t0 = performance.now();
  let fixes = 0;
  for (const datagram of datagrams) fixes += translateAvlPayload(datagram, 'bench', options).fixes.length;
  const avlMs = performance.now() - t0;

  const codeTable = createApcoIncidentCodeTable();
  const documents = Array.from({ length: EIDO_DOCUMENTS }, (_, i) => eidoDocument(i));
  const t1 = performance.now();
  let events = 0;
  for (const document of documents) events += translateEido(document, { source: 'bench', codeTable, receivedAt: start.toISOString() }).events.length;
  const eidoMs = performance.now() - t1;
  return { fixes, avlMs, documents: documents.length, events, eidoMs };
}

async function measureEndToEnd() {
  const prefix = `bench_${randomBytes(3).toString('hex')}_`;
  const config = readHubConfig({
    PORT: '0', CALLS_PORT: '0', CAD_PORT: '0', AVL_PORT: '0', CAMERAS_PORT: '0', INGEST_PORT: '0', AUDIT_PORT: '0', COMMUNITY_PORT: '0',
    SIM_ENABLED: 'false', LOG_LEVEL: 'silent', DATABASE_SCHEMA_PREFIX: prefix, PGLITE_DATA_DIR: 'memory',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  });
  const codeTable = createApcoIncidentCodeTable();
  let avl: AvlAdapter | undefined;
  let eido: EidoHttpAdapter | undefined;
  const hub = await createHub({
    config,
    logger: pino({ level: 'silent' }),
    adapters: ({ devices }) => {
      avl = createAvlAdapter({ name: 'avl', unitFor: (id) => devices.unitFor(id), now: () => new Date(), udpPort: 0 });
      eido = createEidoHttpAdapter({ authentication: null, name: 'eido-http', codeTable, now: () => new Date() });
      return [avl, eido];
    },
  });
  try {
    log(`end to end on ${hub.subgraphs.avl.db.kind}: assigning ${DEVICES} devices`);
    for (let d = 0; d < DEVICES; d += 1) await hub.devices.assign(`modem-${d}`, `unit-${d}`, start);
    const accepted = (source: string) => hub.sink.stats().bySource[source]?.accepted ?? 0;

    // AVL: datagrams of ten fixes over UDP, kept at most 5,000 fixes ahead of what is stored
    // so that the kernel's socket buffer never overflows (a dropped datagram would stall the count).
    const lines = generateNmeaFixes(FIXES, DEVICES, new Date(start.getTime() + 3_600_000));
    const socket = createSocket('udp4');
    const port = avl!.addresses().udpPort!;
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    for (let i = 0; i < lines.length; i += PER_DATAGRAM) {
      while (i - accepted('avl') > 5000) await new Promise((resolve) => setImmediate(resolve));
      socket.send(lines.slice(i, i + PER_DATAGRAM).join('\r\n'), port, '127.0.0.1');
    }
    const deadline = Date.now() + 120_000;
    while (accepted('avl') < FIXES && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    // Positions are written behind (batched); the clock stops when the last batch is stored.
    await hub.subgraphs.avl.subgraph.close?.();
    const avlMs = performance.now() - t0;
    const avlStored = accepted('avl');
    socket.close();
    log(`end to end: ${avlStored.toLocaleString('en-US')} fixes stored and published`);

    // EIDO: documents POSTed one per request, four requests in flight.
    const documents = Array.from({ length: EIDO_DOCUMENTS }, (_, i) => JSON.stringify(eidoDocument(i)));
    const t1 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < documents.length) {
          const body = documents[next++]!;
          await fetch(eido!.url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        }
      }),
    );
    const eidoMs = performance.now() - t1;
    const eidoEvents = accepted('eido-http');
    const rssAfter = process.memoryUsage().rss;
    return { kind: hub.subgraphs.avl.db.kind, avlStored, avlMs, eidoMs, eidoEvents, rssBefore, rssAfter, rejected: hub.sink.stats().rejected };
  } finally {
    await hub.close();
    if (process.env.DATABASE_URL) {
      const knex = (await import('knex')).default({ client: 'pg', connection: process.env.DATABASE_URL });
      const { rows } = (await knex.raw('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, ?)', [prefix])) as { rows: { nspname: string }[] };
      for (const { nspname } of rows) await knex.raw('DROP SCHEMA ?? CASCADE', [nspname]);
      await knex.destroy();
    }
  }
}

async function main() {
  log(`parse only: ${FIXES.toLocaleString('en-US')} NMEA fixes from ${DEVICES} devices, ${EIDO_DOCUMENTS} EIDO documents`);
  const parse = await measureParse();
  log('end to end: starting the hub with the AVL (UDP) and EIDO (HTTP) adapters');
  const e2e = await measureEndToEnd();
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  console.log(`
Ingest on ${e2e.kind}, one Node process (hub, adapters and load generator share it)

path                                      items          time      rate
----------------------------------------  -------------  --------  ------------
AVL parse + assemble only (baseline)      ${String(parse.fixes).padEnd(13)}  ${(parse.avlMs / 1000).toFixed(2).padStart(6)} s  ${rate(parse.fixes, parse.avlMs)} fixes
AVL UDP → parse → validate → store → pub  ${String(e2e.avlStored).padEnd(13)}  ${(e2e.avlMs / 1000).toFixed(2).padStart(6)} s  ${rate(e2e.avlStored, e2e.avlMs)} fixes
EIDO translate only (baseline)            ${String(parse.documents).padEnd(13)}  ${(parse.eidoMs / 1000).toFixed(2).padStart(6)} s  ${rate(parse.documents, parse.eidoMs)} documents
EIDO HTTP POST → … → store → publish      ${String(EIDO_DOCUMENTS).padEnd(13)}  ${(e2e.eidoMs / 1000).toFixed(2).padStart(6)} s  ${rate(EIDO_DOCUMENTS, e2e.eidoMs)} documents (${e2e.eidoEvents} events)

rejected during the run: ${e2e.rejected}; RSS ${mb(e2e.rssBefore)} before the AVL run, ${mb(e2e.rssAfter)} after the EIDO run
`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

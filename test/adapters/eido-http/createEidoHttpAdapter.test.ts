import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRecordingSink, defineAdapterConformanceSuite } from '../../../adapters/conformance';
import { createApcoIncidentCodeTable } from '../../../adapters/eido';
import { type EidoHttpAdapter, createEidoHttpAdapter } from '../../../adapters/eido-http';
import { richEido } from '../eido/eidoFixtures';
import { readReferenceJson } from '../eido/pidfFixtures';

const codeTable = createApcoIncidentCodeTable();
const now = () => new Date('2026-11-23T22:10:00Z');

/** The hand-built EIDO without its deliberately dangling unit reference, updated minute by minute. */
function cleanEido(): Record<string, unknown> {
  const document = richEido();
  const dispatch = document.dispatchComponent as { emergencyResourceReference?: { $ref: string }[] }[];
  for (const component of dispatch) {
    component.emergencyResourceReference = component.emergencyResourceReference?.filter((ref) => ref.$ref !== 'unit-missing');
  }
  return document;
}
const updates = Array.from({ length: 5 }, (_, i) =>
  JSON.stringify({ ...cleanEido(), lastUpdateTimeStamp: `2026-11-23T15:0${5 + i}:00.0-07:00` }),
);

async function post(adapter: EidoHttpAdapter, body: string) {
  const response = await fetch(adapter.url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, body: (await response.json()) as { documents: number; events: number; rejections: unknown[] } };
}

defineAdapterConformanceSuite('eido over HTTP (NENA-STA-021)', async () => {
  const adapter = createEidoHttpAdapter({ authentication: null, codeTable, now });
  return {
    adapter,
    send: async (raw) => void (await post(adapter, raw)),
    valid: updates,
    invalid: ['{"incidentComponent":', '{"incidentComponent":"nonsense"}', '42'],
  };
});

describe('eido adapter over HTTP', () => {
  let adapter: EidoHttpAdapter;
  afterEach(() => adapter?.stop());

  it('answers a batch with what it took and what it refused, keeping the good documents', async () => {
    adapter = createEidoHttpAdapter({ authentication: null, codeTable, now });
    const sink = createRecordingSink();
    await adapter.start(sink);
    const samples = [readReferenceJson('sample-eido.json'), readReferenceJson('sample-call-transfer-eido.json'), JSON.parse(updates[0]!)];
    const { status, body } = await post(adapter, JSON.stringify(samples));
    expect(status).toBe(202);
    expect(body.documents).toBe(3);
    expect(body.events).toBe(sink.events.length);
    expect(sink.events.some((event) => event.type === 'incident.created')).toBe(true);
    // The older sample's PIDF-LO is malformed: a dead letter with the whole document, reason malformed-xml.
    const malformed = sink.rejections.find((rejection) => rejection.reason === 'malformed-xml');
    expect(malformed?.raw).toContain('locationByValue');
    expect(JSON.parse(malformed!.raw)).toEqual(samples[0]);
  });

  it('refuses a body that is not JSON with 422 and keeps it whole', async () => {
    adapter = createEidoHttpAdapter({ authentication: null, codeTable, now });
    const sink = createRecordingSink();
    await adapter.start(sink);
    const { status } = await post(adapter, '{"broken": ');
    expect(status).toBe(422);
    expect(sink.rejections.map((rejection) => [rejection.reason, rejection.raw])).toEqual([['malformed-json', '{"broken": ']]);
  });

  it('polls a CAD that cannot push, honours ETags, and reports an unreachable CAD as disconnected', async () => {
    let requests = 0;
    let up = true;
    const cad = createServer((request, response) => {
      requests += 1;
      if (!up) return void response.writeHead(503).end();
      if (request.headers['if-none-match'] === '"v1"') return void response.writeHead(304).end();
      response.writeHead(200, { etag: '"v1"', 'content-type': 'application/json' }).end(updates[0]);
    });
    await new Promise<void>((resolve) => cad.listen(0, '127.0.0.1', resolve));
    const pollUrl = `http://127.0.0.1:${(cad.address() as AddressInfo).port}/eido/current`;
    adapter = createEidoHttpAdapter({ authentication: null, codeTable, now, pollUrl, pollIntervalMs: 20 });
    const sink = createRecordingSink();
    await adapter.start(sink);
    await sink.until(() => requests >= 3);
    const eventsAfterFirst = sink.events.length;
    expect(eventsAfterFirst).toBeGreaterThan(0);
    expect(adapter.status().connected).toBe(true);
    up = false;
    await sink.until(() => !adapter.status().connected);
    up = true;
    await sink.until(() => adapter.status().connected);
    expect(sink.events.length).toBe(eventsAfterFirst); // 304s brought nothing new
    cad.close();
  });
});

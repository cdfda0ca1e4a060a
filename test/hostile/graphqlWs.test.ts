import fc from 'fast-check';
import { getOperationAST, parse } from 'graphql';
import type { AuditRecord } from '../../audit';
import type { AuditSubgraph } from '../../subgraphs/audit';
import { ringingCall } from '../support/cityFixture';
import {
  HOSTILE_SEED,
  deeplyNestedJson,
  expectAuditChainIntact,
  expectHubHealthy,
  hostileDepth,
  stringWithControl,
  stringWithOddUnicode,
  listAuditRecords,
} from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { eventually } from '../support/subscribeThroughGateway';
import { type RawGraphqlWs, type ServerMessage, openRawGraphqlWs } from '../gateway/support/rawGraphqlWs';

/** One subscribe message: its payload as JSON text, the name its record carries, and what a correct hub answers. */
interface Subscribe {
  readonly payload: string;
  /** The operation's name (unique per message), or null when the text cannot be parsed. */
  readonly name: string | null;
  /** data: a query answered with data; refused: an error (or a result with errors only); either: data, errors or both. */
  readonly expect: 'data' | 'refused' | 'either';
  /** A subscription that may start: it stays open until the client completes it. */
  readonly mayStart: boolean;
}

let serial = 0;
/** Documents longer than this are refused unparsed (LIMIT_DOCUMENT_BYTES): their records cannot name them. */
const LIMIT_DOCUMENT_BYTES = 32 * 1024;
/** The name a record of `query` can carry: its operation's, when the text is small enough to parse and parses. */
const nameIn = (query: string): string | null => {
  if (Buffer.byteLength(query) > LIMIT_DOCUMENT_BYTES) return null;
  try {
    return getOperationAST(parse(query))?.name?.value ?? null;
  } catch {
    return null;
  }
};
const subscribe = (build: (name: string) => string, variables: string | null, expect: Subscribe['expect']): Subscribe => {
  const query = build(`Op${(serial += 1)}`);
  const name = nameIn(query);
  return { payload: `{"query":${JSON.stringify(query)}${variables === null ? '' : `,"variables":${variables}`}}`, name, expect, mayStart: name !== null && query.startsWith('subscription') };
};

const validMessage: fc.Arbitrary<Subscribe> = fc.oneof(
  fc.constant(null).map(() => subscribe((name) => `query ${name} { adapters { name } }`, null, 'data')),
  fc.constantFrom('inc-fixture-1', 'nope').map((id) => subscribe((name) => `query ${name}($id: ID!) { incident(id: $id) { id } }`, JSON.stringify({ id }), 'data')),
);

const hostileMessage: fc.Arbitrary<Subscribe> = fc.oneof(
  hostileDepth.map((depth) => subscribe((name) => `subscription ${name} { callReceived { id } }`, `{"junk":${deeplyNestedJson(depth)}}`, 'refused')),
  hostileDepth.map((depth) => subscribe((name) => `query ${name}($id: ID!) { incident(id: $id) { id } }`, `{"id":${deeplyNestedJson(depth, 'object', '"x"')}}`, 'refused')),
  fc.jsonValue({ maxDepth: 3 }).map((junk) => subscribe((name) => `subscription ${name} { callReceived { id } }`, JSON.stringify({ junk }), 'refused')),
  fc.oneof(fc.boolean(), fc.array(fc.string(), { minLength: 1, maxLength: 3 }), fc.object({ maxDepth: 2 })).map((id) =>
    subscribe((name) => `query ${name}($id: ID!) { incident(id: $id) { id } }`, JSON.stringify({ id }), 'refused'),
  ),
  fc.oneof(stringWithControl, stringWithOddUnicode).map((text) =>
    subscribe((name) => `query ${name}($id: ID!) { incident(id: $id) { id } adapters { name } }`, JSON.stringify({ id: text }), 'either'),
  ),
  fc.oneof(stringWithControl, stringWithOddUnicode).map((text) => subscribe((name) => `subscription ${name} { callReceived(near: { lat: 0, lon: 0 }, radiusMeters: 10) { id } } # ${text}`, null, 'either')),
  hostileDepth.map((depth) => subscribe((name) => `subscription ${name} { callReceived { ${'nearbyUnits { unit { incident { '.repeat(Math.ceil(depth / 4))}id${' } } }'.repeat(Math.ceil(depth / 4))} } }`, null, 'refused')),
  fc.integer({ min: 2, max: 300 }).map((count) =>
    subscribe((name) => `query ${name} { ${Array.from({ length: count }, (_, index) => `v${index}: verifyAuditChain { ok }`).join(' ')} }`, null, 'refused'),
  ),
  fc.integer({ min: 100, max: 3000 }).map((count) =>
    subscribe((name) => `subscription ${name} { ${Array.from({ length: count }, (_, index) => `c${index}: callReceived { id nearbyUnits(limit: 50) { unit { id } } }`).join(' ')} }`, null, 'refused'),
  ),
  fc.constant(null).map(() => subscribe((name) => `query ${name} { adapters { name } } query Other${name} { adapters { name } }`, null, 'refused')),
  fc.constant(null).map(() => subscribe((name) => `subscription ${name} { noSuchField }`, null, 'refused')),
  fc.constant(null).map(() => subscribe((name) => `mutation ${name} { assignDevice(deviceId: "ws-hostile", unitId: "unit-a") { deviceId } }`, '{"extra":true}', 'refused')),
  fc.string({ maxLength: 20 }).map((tail): Subscribe => ({ payload: `{"query":${JSON.stringify(`subscription { callReceived { ${tail}`)}}`, name: null, expect: 'refused', mayStart: false })),
);

/** Frames that break the protocol itself: graphql-ws closes that socket (4400), and no other. */
const protocolViolation = fc.constantFrom(
  'not json',
  '{"type":"subscribe"}',
  '{"id":1,"type":"subscribe","payload":{"query":"{ adapters { name } }"}}',
  '{"type":"no-such-type"}',
  `{"id":"x","type":"subscribe","payload":${deeplyNestedJson(5000, 'object', '{}')}}`,
);

const isFinal = (message: ServerMessage) => message.type === 'error' || message.type === 'complete';

describe.each(STORAGE_TARGETS)('hostile GraphQL over WebSocket, on $name', (target) => {
  let hub: TestHub;
  let params: Record<string, string>;
  let socket: RawGraphqlWs;
  const auditLog = () => (hub.subgraphs.audit.subgraph as AuditSubgraph).auditLog;
  const allRecords = (): Promise<AuditRecord[]> => listAuditRecords(hub);
  const recordNames = async () => new Set((await auditLog().list({}, 100)).edges.map((edge) => edge.node.operationName));
  const liveCalls = () =>
    socket.of('live').flatMap((message) => (message.type === 'next' ? [(message.payload as { data?: { callReceived?: { id: string } } }).data?.callReceived?.id] : []));

  beforeAll(async () => {
    hub = await startTestHub(target, { env: { GATEWAY_REFUSAL_RECORDS_PER_WINDOW: '100000' } });
    params = { Authorization: `Bearer ${await hub.token({ subject: 'hostile-ws', roles: ['supervisor'] })}`, 'X-Purpose': 'TEST-0001' };
    socket = await openRawGraphqlWs(hub.gatewayUrl, params);
    socket.subscribe('live', { query: 'subscription Live { callReceived { id } }' });
    let calls = 0;
    await eventually(async () => {
      await hub.sink.emit(ringingCall(`ws-hostile-warmup-${(calls += 1)}`));
      await new Promise((resolve) => setTimeout(resolve, 50));
      return liveCalls().length > 0;
    }, 10_000, 'the live subscription');
  });
  afterAll(async () => {
    await socket?.close();
    await hub?.close();
  });

  it('answers every operation on its own, keeps the socket and its subscriptions, and audits every operation', async () => {
    const sent: Subscribe[] = [];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof({ arbitrary: validMessage, weight: 1 }, { arbitrary: hostileMessage, weight: 2 }), { minLength: 1, maxLength: 6 }), async (messages) => {
        run += 1;
        const ids = messages.map((_, index) => `r${run}-${index}`);
        messages.forEach((message, index) => socket.subscribeRaw(ids[index] as string, message.payload));
        sent.push(...messages);
        for (const [index, message] of messages.entries()) {
          const id = ids[index] as string;
          // Answered, or (a subscription that started) recorded: then the client ends it.
          await eventually(
            async () => socket.of(id).some(isFinal) || (message.mayStart && (await recordNames()).has(message.name)),
            10_000,
            `an answer to ${message.payload.slice(0, 200)}`,
          );
          if (!socket.of(id).some(isFinal)) socket.complete(id);
          const answers = socket.of(id);
          const errors = answers.flatMap((answer) =>
            answer.type === 'error' ? (answer.payload as { extensions?: { code?: unknown } }[]) : ((answer.payload as { errors?: { extensions?: { code?: unknown } }[] } | undefined)?.errors ?? []),
          );
          for (const error of errors) expect(typeof error.extensions?.code).toBe('string');
          const data = answers.some((answer) => answer.type === 'next' && (answer.payload as { data?: unknown }).data);
          if (message.expect === 'data') {
            expect(errors).toEqual([]);
            expect(data).toBe(true);
          }
          if (message.expect === 'refused' && answers.length > 0) expect(errors.length).toBeGreaterThan(0);
        }
        expect(socket.closed).toBeNull();
        const call = `ws-hostile-${run}`;
        await hub.sink.emit(ringingCall(call));
        await socket.until(() => liveCalls().includes(call), 'the live subscription keeps receiving');
      }),
      { seed: HOSTILE_SEED, numRuns: 25 },
    );

    // Frames that break the protocol close their own socket with a code, never the others.
    await fc.assert(
      fc.asyncProperty(protocolViolation, async (frame) => {
        const other = await openRawGraphqlWs(hub.gatewayUrl, params);
        other.sendRaw(frame);
        await eventually(async () => other.closed !== null, 10_000, 'the protocol violation closes its socket');
        expect(other.closed?.code).toBeGreaterThanOrEqual(4400);
        expect(other.closed?.code).toBeLessThan(4500);
      }),
      { seed: HOSTILE_SEED, numRuns: 5 },
    );
    expect(socket.closed).toBeNull();
    await expectHubHealthy(hub);
    await expectAuditChainIntact(hub);

    // A record for every operation sent: by its unique name, or, unparseable, as a nameless refused start.
    const records = await allRecords();
    const names = new Set(records.map((record) => record.operationName));
    expect(sent.filter((message) => message.name !== null && !names.has(message.name)).map((message) => message.payload.slice(0, 120))).toEqual([]);
    const nameless = records.filter((record) => record.kind === 'subscription-start' && record.outcome === 'denied' && record.operationName === null).length;
    expect(nameless).toBeGreaterThanOrEqual(sent.filter((message) => message.name === null).length);
  });
});

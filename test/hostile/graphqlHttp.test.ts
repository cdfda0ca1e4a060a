import fc from 'fast-check';
import type { AuditRecord } from '../../audit';
import { hashDocument } from '../../audit/hashDocument';
import { loadCityFixture } from '../support/cityFixture';
import {
  HOSTILE_SEED,
  deeplyNestedJson,
  expectAuditChainIntact,
  expectHubHealthy,
  hostileDepth,
  hostileString,
  stringWithControl,
  stringWithOddUnicode,
  truncated,
  listAuditRecords,
} from '../support/hostileInput';
import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';
import { eventually } from '../support/subscribeThroughGateway';

/** One HTTP request to /graphql, as sent, and what a correct hub answers. */
interface Sent {
  readonly body: string;
  readonly contentType: string;
  /** The document, when the request carries exactly one (its record is found by its hash). */
  readonly document: string | null;
  /** valid: answered with its data and no error; refused: answered with errors and no data; either: data, errors or both. */
  readonly expect: 'valid' | 'refused' | 'either';
}

let serial = 0;
/** Every document is made unique by a comment, so that its audit record is found by its hash. */
const tagged = (document: string) => `${document} # request ${(serial += 1)}`;
const json = (document: string, variables?: unknown, operationName?: string): Sent => {
  const text = tagged(document);
  return {
    body: JSON.stringify({ query: text, ...(variables === undefined ? {} : { variables }), ...(operationName ? { operationName } : {}) }),
    contentType: 'application/json',
    document: text,
    expect: 'refused',
  };
};
const valid = (sent: Sent): Sent => ({ ...sent, expect: 'valid' });
const either = (sent: Sent): Sent => ({ ...sent, expect: 'either' });

const validOperation: fc.Arbitrary<Sent> = fc.oneof(
  fc.constant(null).map(() => valid(json('{ adapters { name } }'))),
  fc.constantFrom('inc-fixture-1', 'nope').map((id) => valid(json('query One($id: ID!) { incident(id: $id) { id } }', { id }))),
  fc.constant(null).map(() => valid(json('{ units(first: 3) { edges { node { id callSign } } } }'))),
);

const hostileOperation: fc.Arbitrary<Sent> = fc.oneof(
  // Deep nesting in the document and in variables (sent as text: JSON.stringify cannot).
  hostileDepth.map((depth) => json(`{ ${'units { edges { node { incident { '.repeat(Math.ceil(depth / 4))}id${' } } } }'.repeat(Math.ceil(depth / 4))} }`)),
  hostileDepth.map((depth) => {
    const text = tagged('query Junk($id: ID!) { incident(id: $id) { id } }');
    return { body: `{"query":${JSON.stringify(text)},"variables":{"id":"x","junk":${deeplyNestedJson(depth)}}}`, contentType: 'application/json', document: text, expect: 'refused' as const };
  }),
  hostileDepth.map((depth) => {
    const text = tagged('query Deep($id: ID!) { incident(id: $id) { id } }');
    return { body: `{"query":${JSON.stringify(text)},"variables":{"id":${deeplyNestedJson(depth, 'object', '"x"')}}}`, contentType: 'application/json', document: text, expect: 'refused' as const };
  }),
  // Huge documents and alias floods.
  fc.integer({ min: 16, max: 18 }).map((exponent) => json(`{ adapters { name } } # ${'x'.repeat(2 ** exponent)}`)),
  fc.integer({ min: 50, max: 3000 }).map((count) => either(json(`{ ${Array.from({ length: count }, (_, index) => `a${index}: adapters { name }`).join(' ')} }`))),
  fc.integer({ min: 2, max: 200 }).map((count) => json(`{ ${Array.from({ length: count }, (_, index) => `v${index}: verifyAuditChain { ok }`).join(' ')} }`)),
  // Control characters and odd Unicode in arguments and variables.
  fc.oneof(stringWithControl, stringWithOddUnicode, hostileString).map((text) => either(json(`{ incident(id: ${JSON.stringify(text)}) { id } adapters { name } }`))),
  fc.oneof(stringWithControl, stringWithOddUnicode).map((text) => either(json('query V($id: ID!) { incident(id: $id) { id } units(first: 1) { edges { node { id } } } }', { id: text }))),
  // Undeclared and wrongly typed variables; several operations; unknown names.
  fc.jsonValue({ maxDepth: 3 }).map((junk) => json('{ adapters { name } }', { junk })),
  // (An integer is a valid ID: these are not.)
  fc.oneof(fc.boolean(), fc.array(fc.string(), { minLength: 1, maxLength: 3 }), fc.object({ maxDepth: 2 }), fc.constant(null)).map((id) => json('query W($id: ID!) { incident(id: $id) { id } }', { id })),
  fc.constant(null).map(() => json('query A { adapters { name } } query B { adapters { name } }')),
  fc.constant(null).map(() => json('query A { adapters { name } }', undefined, 'Missing')),
  fc.constant(null).map(() => json('{ adapter { name } }')),
  fc.constant(null).map(() => json('mutation { assignDevice(deviceId: "hostile-1", unitId: "unit-a") { deviceId } }', { extra: 1 })),
  // Not GraphQL requests at all: batches, bad JSON, wrong content types.
  fc.constant(null).map((): Sent => ({ body: `[${json('{ adapters { name } }').body},${json('{ adapters { name } }').body}]`, contentType: 'application/json', document: null, expect: 'refused' })),
  truncated(JSON.stringify({ query: '{ adapters { name } }', variables: { a: [1, 2, 3] } })).map((body): Sent => ({ body, contentType: 'application/json', document: null, expect: 'refused' })),
  fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x').map(
    (contentType): Sent => ({ body: json('{ adapters { name } }').body, contentType, document: null, expect: 'refused' }),
  ),
);

describe.each(STORAGE_TARGETS)('hostile GraphQL over HTTP, on $name', (target) => {
  let hub: TestHub;
  let authorization: string;
  const allRecords = (): Promise<AuditRecord[]> => listAuditRecords(hub);

  beforeAll(async () => {
    // Every refusal recorded one by one, so that each can be counted (floods have their own test).
    hub = await startTestHub(target, { env: { GATEWAY_REFUSAL_RECORDS_PER_WINDOW: '100000' } });
    await loadCityFixture(hub.sink);
    authorization = `Bearer ${await hub.token({ subject: 'hostile-http', roles: ['supervisor'] })}`;
  });
  afterAll(() => hub?.close());

  it('answers every request with data or a coded error, stays up, and audits every operation', async () => {
    const sentDocuments: string[] = [];
    let refusedAtTheDoor = 0;
    const before = (await allRecords()).filter((record) => record.kind === 'request-refused').length;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof({ arbitrary: validOperation, weight: 1 }, { arbitrary: hostileOperation, weight: 2 }), { minLength: 1, maxLength: 6 }), async (requests) => {
        for (const sent of requests) {
          const response = await fetch(hub.gatewayUrl, {
            method: 'POST',
            headers: { 'content-type': sent.contentType, accept: 'application/json', authorization, 'x-purpose': 'TEST-0001', 'apollo-require-preflight': 'true' },
            body: sent.body,
          });
          const text = await response.text();
          const body = JSON.parse(text) as { data?: unknown; errors?: { extensions?: { code?: unknown } }[] };
          // Never a 500, never an error without a code.
          expect(response.status).toBeLessThan(500);
          for (const error of body.errors ?? []) expect(typeof error.extensions?.code).toBe('string');
          if (sent.expect === 'valid') {
            expect(response.status).toBe(200);
            expect(body.errors).toBeUndefined();
            expect(body.data).toBeTruthy();
          } else if (sent.expect === 'refused') {
            expect(body.errors?.length ?? 0).toBeGreaterThan(0);
            expect(body.data ?? null).toBeNull();
          } else {
            expect(body.data !== undefined || (body.errors?.length ?? 0) > 0).toBe(true);
          }
          // Refused before it was a GraphQL request (BAD_REQUEST: body too large, not JSON, a batch …): a request-refused record.
          const atTheDoor = body.errors?.[0]?.extensions?.code === 'BAD_REQUEST' || sent.document === null;
          if (atTheDoor) refusedAtTheDoor += 1;
          else sentDocuments.push(sent.document as string);
        }
        await expectHubHealthy(hub);
      }),
      { seed: HOSTILE_SEED, numRuns: 30 },
    );
    await expectAuditChainIntact(hub);
    // A record for every operation sent (a mutation has two), and for every refusal at the door.
    await eventually(async () => (await allRecords()).filter((record) => record.kind === 'request-refused').length - before >= refusedAtTheDoor, 10_000, 'the refusals');
    const hashes = new Set((await allRecords()).map((record) => record.documentHash));
    const unrecorded = sentDocuments.filter((document) => !hashes.has(hashDocument(document)));
    expect(unrecorded.map((document) => document.slice(0, 120))).toEqual([]);
  });
});

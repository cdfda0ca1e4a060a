import { print } from 'graphql';
import { checkOperationLimits } from '../../../gateway/limits/checkOperationLimits';
import { createOperationLimits } from '../../../gateway/limits/createOperationLimits';
import { parsePersistedOperations, sha256Hex } from '../../../gateway/limits/readPersistedOperations';
import { incidentCallsChain, readApiSchema } from './limitsFixtures';

const caller = { identity: { subject: 'console-7' }, clientAddress: '10.0.0.7' };
const SUBSCRIPTION = `subscription { callReceived { id nearbyCameras(limit: 4) { camera { id } } } }`;

describe('checkOperationLimits (the WebSocket subscribe path)', () => {
  it('hands back the parsed document of an operation within the limits', () => {
    const verdict = checkOperationLimits(createOperationLimits(), { query: SUBSCRIPTION, caller, schema: readApiSchema() });
    expect(verdict.allowed).toBe(true);
    if (!verdict.allowed) return;
    expect(verdict.query).toBe(SUBSCRIPTION);
    expect(print(verdict.document)).toContain('callReceived');
  });

  it('refuses with the coded error of the limit', () => {
    const limits = createOperationLimits({ maxCost: 50, maxDocumentBytes: 1000 });
    const check = (query: string) => checkOperationLimits(limits, { query, caller, schema: readApiSchema() });
    const codeOf = (query: string) => {
      const verdict = check(query);
      return verdict.allowed ? null : verdict.error.extensions.code;
    };
    expect(codeOf(`subscription { callReceived { id ${' '.repeat(1000)} } }`)).toBe('DOCUMENT_TOO_LARGE');
    expect(codeOf(`subscription { callReceived { nearbyUnits(limit: 100) { unit { id } } } }`)).toBe('QUERY_TOO_COSTLY');
    expect(codeOf(incidentCallsChain(13))).toBe('QUERY_TOO_DEEP');
    expect(codeOf('{ __schema { types { name } } }')).toBe('INTROSPECTION_DISABLED');
    expect(codeOf('subscription { callReceived {')).toBe('GRAPHQL_PARSE_FAILED');
    const verdict = check('subscription {');
    expect(verdict.allowed || verdict.error.locations).toEqual([{ line: 1, column: 15 }]);
  });

  it('resolves a hash-only (APQ-style) subscribe from the allow-list', () => {
    const limits = createOperationLimits({ persistedOperations: parsePersistedOperations({ [sha256Hex(SUBSCRIPTION)]: SUBSCRIPTION }) });
    const byHash = checkOperationLimits(limits, {
      query: '',
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(SUBSCRIPTION) } },
      caller,
      schema: readApiSchema(),
    });
    expect(byHash.allowed && byHash.query).toBe(SUBSCRIPTION);
    const other = checkOperationLimits(limits, { query: 'subscription { callReceived { id } }', caller, schema: readApiSchema() });
    expect(other.allowed || other.error.extensions.code).toBe('OPERATION_NOT_ALLOWED');
  });

  it('shares the rate buckets of the HTTP path', () => {
    const limits = createOperationLimits({ rateLimitPerMinute: 60, rateLimitBurst: 1, now: () => 0 });
    expect(limits.admit({ query: '{ __typename }', caller }).admitted).toBe(true);
    const verdict = checkOperationLimits(limits, { query: SUBSCRIPTION, caller, schema: readApiSchema() });
    expect(verdict.allowed || verdict.error.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
  });
});

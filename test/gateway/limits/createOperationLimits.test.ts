import { parse } from 'graphql';
import { type LimitsCaller, type OperationLimitsOptions, callerKeyOf, createOperationLimits } from '../../../gateway/limits/createOperationLimits';
import { LimitError } from '../../../gateway/limits/limitErrors';
import { parsePersistedOperations, sha256Hex } from '../../../gateway/limits/readPersistedOperations';
import { FLAGSHIP_QUERY } from '../../../schema/flagshipQuery';
import { incidentCallsChain, readApiSchema } from './limitsFixtures';

const OPERATOR = { identity: { subject: 'operator-1' }, clientAddress: '10.0.0.5' };
const COSTLY = `{ incidents(first: 100) { edges { node { nearbyUnits(limit: 100) { unit { nearbyCameras(limit: 100) { camera { id } } } } } } } }`;

const limitsWith = (options: OperationLimitsOptions = {}) => createOperationLimits({ rateLimitPerMinute: 0, ...options });
const admitted = (query: string | undefined, options: OperationLimitsOptions = {}, extensions?: Record<string, unknown>) =>
  limitsWith(options).admit({ query, extensions, caller: OPERATOR });
const refusalOf = (source: string, options: OperationLimitsOptions = {}, variables?: Record<string, unknown>) =>
  limitsWith(options).checkDocument({ document: parse(source), variables, schema: readApiSchema() });

describe('createOperationLimits', () => {
  describe('document size', () => {
    it('refuses a document longer than the limit in UTF-8 bytes, before parsing it', () => {
      const query = `{ incident(id: "${'é'.repeat(20)}") { id } }{`; // 48 characters, 68 bytes; not even valid
      expect(query).toHaveLength(48);
      expect(admitted(query, { maxDocumentBytes: 68 })).toMatchObject({ admitted: true, query });
      const refused = admitted(query, { maxDocumentBytes: 60 });
      expect(refused.admitted).toBe(false);
      if (refused.admitted) return;
      expect(refused.error).toBeInstanceOf(LimitError);
      expect(refused.error.extensions).toMatchObject({ code: 'DOCUMENT_TOO_LARGE', sizeBytes: 68, maxBytes: 60 });
      expect(refused.error.httpStatus).toBe(413);
    });

    it('allows 32 KiB by default', () => {
      expect(admitted(`{ __typename }${' '.repeat(32 * 1024 - 14)}`).admitted).toBe(true);
      expect(admitted(`{ __typename }${' '.repeat(32 * 1024 - 13)}`).admitted).toBe(false);
    });
  });

  describe('depth', () => {
    it('refuses operations nested deeper than the limit (12 by default)', () => {
      // (Incident.calls is a list of 10 assumed calls a level: the chain's cost is beside the point here.)
      expect(refusalOf(incidentCallsChain(12), { maxCost: 1e9 })).toBeNull();
      expect(refusalOf(incidentCallsChain(13), { maxCost: 1e9 })?.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', depth: 13, maxDepth: 12 });
      expect(refusalOf(FLAGSHIP_QUERY, { maxDepth: 5 })?.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', depth: 6, maxDepth: 5 });
    });
  });

  describe('cost', () => {
    it('lets the flagship query through and refuses nested lists that multiply past the limit', () => {
      expect(refusalOf(FLAGSHIP_QUERY)).toBeNull();
      const refusal = refusalOf(COSTLY);
      expect(refusal?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', estimatedCost: 1 + 1 + 100 * (1 + 1 + 100 * (1 + 1 + 100 * 2)), maxCost: 5000 });
      expect(refusal?.httpStatus).toBe(400);
    });

    it('counts sizes given as variables', () => {
      const source = 'query ($n: Int) { incident(id: "1") { nearbyUnits(limit: $n) { unit { nearbyCameras(limit: $n) { camera { id } } } } } }';
      expect(refusalOf(source, {}, { n: 10 })).toBeNull();
      expect(refusalOf(source, {}, { n: 100 })?.extensions.code).toBe('QUERY_TOO_COSTLY');
    });

    it('adds up many aliased copies of one affordable field', () => {
      const copy = (index: number) => `c${index}: nearbyCameras(limit: 100) { camera { id name } }`;
      const aliased = (copies: number) => `{ incident(id: "1") { ${Array.from({ length: copies }, (_, index) => copy(index)).join(' ')} } }`;
      expect(refusalOf(aliased(1))).toBeNull();
      expect(refusalOf(aliased(20))?.extensions.code).toBe('QUERY_TOO_COSTLY');
    });
  });

  describe('introspection', () => {
    it('refuses __schema and __type unless enabled, never __typename', () => {
      expect(refusalOf('{ __schema { queryType { name } } }')?.extensions).toMatchObject({ code: 'INTROSPECTION_DISABLED', field: '__schema' });
      expect(refusalOf('{ __type(name: "Incident") { name } }')?.extensions.code).toBe('INTROSPECTION_DISABLED');
      expect(refusalOf('{ __typename incident(id: "1") { __typename } }')).toBeNull();
      expect(refusalOf('{ __schema { queryType { name } } }', { introspectionEnabled: true })).toBeNull();
    });
  });

  describe('the operation that runs', () => {
    it('checks the named operation only, and refuses a document whose operation cannot be told', () => {
      const source = `query Cheap { __typename } query Deep ${incidentCallsChain(13)}`;
      const limits = limitsWith();
      expect(limits.checkDocument({ document: parse(source), operationName: 'Cheap', schema: readApiSchema() })).toBeNull();
      expect(limits.checkDocument({ document: parse(source), operationName: 'Deep', schema: readApiSchema() })?.code).toBe('QUERY_TOO_DEEP');
      // Several operations and no operationName: nothing can run; a coded 400, not a 500 later on.
      expect(limits.checkDocument({ document: parse(source), schema: readApiSchema() })?.code).toBe('OPERATION_NAME_REQUIRED');
      expect(limits.checkDocument({ document: parse(source), operationName: 'Other', schema: readApiSchema() })?.code).toBe('OPERATION_NAME_REQUIRED');
    });
  });

  describe('persisted-operation allow-list', () => {
    const listed = '{ incident(id: "1") { id number } }';
    const persistedOperations = parsePersistedOperations({ operations: [{ id: sha256Hex(listed), body: listed }] });

    it('lets any document through when off', () => {
      expect(admitted('{ __typename }')).toEqual({ admitted: true, query: '{ __typename }', allowListed: false });
    });

    it('runs listed documents, sent in full or by hash, and nothing else', () => {
      expect(admitted(listed, { persistedOperations })).toEqual({ admitted: true, query: listed, allowListed: true });
      const byHash = admitted(undefined, { persistedOperations }, { persistedQuery: { version: 1, sha256Hash: sha256Hex(listed) } });
      expect(byHash).toEqual({ admitted: true, query: listed, allowListed: true });

      const other = admitted('{ __typename }', { persistedOperations });
      expect(other.admitted || other.error.extensions).toMatchObject({ code: 'OPERATION_NOT_ALLOWED', sha256Hash: sha256Hex('{ __typename }') });
      expect(other.admitted || other.error.httpStatus).toBe(403);
      const unknown = admitted('', { persistedOperations }, { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } });
      expect(unknown.admitted || unknown.error.extensions).toMatchObject({ code: 'PERSISTED_OPERATION_NOT_FOUND', sha256Hash: 'ab'.repeat(32) });
    });

    it('reads the persistedQuery extension defensively', () => {
      for (const extensions of [{ persistedQuery: 'x' }, { persistedQuery: { sha256Hash: 42 } }, { persistedQuery: null }]) {
        expect(admitted(undefined, { persistedOperations }, extensions)).toEqual({ admitted: true, query: undefined, allowListed: true });
      }
    });
  });

  describe('rates', () => {
    it('keeps a bucket per subject, else per client address, and refuses with the wait', () => {
      let now = 0;
      const limits = createOperationLimits({ rateLimitPerMinute: 60, rateLimitBurst: 2, now: () => now });
      const take = (caller: LimitsCaller) => limits.admit({ query: '{ __typename }', caller });
      expect([take(OPERATOR), take(OPERATOR)].every((admission) => admission.admitted)).toBe(true);
      const refused = take(OPERATOR);
      expect(refused.admitted || refused.error.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
      expect(refused.admitted || refused.error.httpStatus).toBe(429);
      // Same address, another subject; same address, no subject.
      expect(take({ identity: { subject: 'operator-2' }, clientAddress: OPERATOR.clientAddress }).admitted).toBe(true);
      expect(take({ identity: null, clientAddress: OPERATOR.clientAddress }).admitted).toBe(true);
      now += 1000;
      expect(take(OPERATOR).admitted).toBe(true);
    });

    it('counts refused operations too, and checks the rate before anything else', () => {
      const limits = createOperationLimits({ rateLimitPerMinute: 60, rateLimitBurst: 1, maxDocumentBytes: 10, now: () => 0 });
      const tooLarge = limits.admit({ query: '{ incident(id: "1") { id } }', caller: OPERATOR });
      expect(tooLarge.admitted || tooLarge.error.code).toBe('DOCUMENT_TOO_LARGE');
      const again = limits.admit({ query: '{ incident(id: "1") { id } }', caller: OPERATOR });
      expect(again.admitted || again.error.code).toBe('RATE_LIMITED');
    });

    it('is off at 0 a minute', () => {
      const limits = createOperationLimits({ rateLimitPerMinute: 0, rateLimitBurst: 1 });
      for (let index = 0; index < 50; index += 1) expect(limits.admit({ query: '{ __typename }', caller: OPERATOR }).admitted).toBe(true);
    });

    it('keys callers by subject, else address', () => {
      expect(callerKeyOf(OPERATOR)).toBe('subject:operator-1');
      expect(callerKeyOf({ identity: null, clientAddress: '::1' })).toBe('address:::1');
    });
  });
});

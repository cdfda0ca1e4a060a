import { buildSchema, parse } from 'graphql';
import type { Identity } from '../../../auth/identity';
import { applyFieldAccess } from '../../../gateway/authorization/applyFieldAccess';
import { decideFieldAccess } from '../../../gateway/authorization/decideFieldAccess';
import { hundredBlock, snapPoint } from '../../../gateway/authorization/generalizeLocations';
import { planFieldAccess } from '../../../gateway/authorization/planFieldAccess';
import { readAccessRules } from '../../../gateway/authorization/readAccessRules';

const SDL = /* GraphQL */ `
  directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT
  directive @policy(policies: [[String!]!]!) on FIELD_DEFINITION | OBJECT
  directive @authenticated on FIELD_DEFINITION | OBJECT
  type Query {
    calls: [Call!]! @requiresScopes(scopes: [["calls:read"], ["calls:all"]])
    secret: Secret!
    me: String @authenticated
  }
  type Call {
    id: ID!
    callbackNumber: String @requiresScopes(scopes: [["calls:caller"]]) @policy(policies: [["need-to-know"]])
    code: String! @requiresScopes(scopes: [["codes"]])
  }
  type Secret @requiresScopes(scopes: [["secret"]]) {
    value: String
  }
`;
const schema = buildSchema(SDL);
const rules = readAccessRules(SDL);

const caller = (scopes: string[]): Identity => ({
  subject: 's',
  clientId: null,
  roles: [],
  scopes: new Set(scopes),
  geofence: null,
  cameraOwner: null,
  department: null,
  tokenId: 't',
  expiresAt: Date.now() + 60_000,
});

const plan = (query: string) => planFieldAccess(schema, parse(query), undefined, rules, new Set());

describe('access rules from the schema', () => {
  it('reads @requiresScopes, @policy and @authenticated per field, and a type-level rule onto fields returning the type', () => {
    expect(rules.get('Query.calls')).toEqual({ authenticated: false, scopes: [['calls:read'], ['calls:all']], policies: null });
    expect(rules.get('Call.callbackNumber')?.policies).toEqual([['need-to-know']]);
    expect(rules.get('Query.me')?.authenticated).toBe(true);
    expect(rules.get('Query.secret')?.scopes).toEqual([['secret']]);
    expect(rules.has('Call.id')).toBe(false);
  });

  it('plans through aliases and fragments', () => {
    const planned = plan('query { a: calls { ...F } } fragment F on Call { id n: callbackNumber }');
    expect(planned.governed.map((use) => `${use.coordinate}@${use.path.map((step) => step.key).join('.')}`)).toEqual([
      'Query.calls@a',
      'Call.callbackNumber@a.n',
    ]);
  });
});

describe('decisions and their application', () => {
  const result = { data: { calls: [{ id: '1', callbackNumber: '555', code: 'X' }, { id: '2', callbackNumber: null, code: 'Y' }] } };

  it('one whole scope group allows; otherwise the field is withheld per item with FORBIDDEN and its path', () => {
    const planned = plan('{ calls { id callbackNumber } }');
    const decision = decideFieldAccess(planned, { identity: caller(['calls:all']), purpose: 'CASE-1' });
    expect(decision.denied.map((denied) => denied.use.coordinate)).toEqual(['Call.callbackNumber']);
    const applied = applyFieldAccess(result, decision);
    expect(applied.result.data).toEqual({ calls: [{ id: '1', callbackNumber: null, code: 'X' }, { id: '2', callbackNumber: null, code: 'Y' }] });
    expect(applied.result.errors?.map((error) => [error.path, (error as { extensions?: { code?: string } }).extensions?.code])).toEqual([
      [['calls', 0, 'callbackNumber'], 'FORBIDDEN'],
      [['calls', 1, 'callbackNumber'], 'FORBIDDEN'],
    ]);
    expect(result.data.calls[0]?.callbackNumber).toBe('555'); // the shared original is untouched
  });

  it('a need-to-know field without a purpose marks the operation for refusal; with one, it is reported as returned', () => {
    const planned = plan('{ calls { id callbackNumber } }');
    expect(decideFieldAccess(planned, { identity: caller(['calls:read', 'calls:caller']), purpose: null }).purposeMissing).toBe(true);
    const decision = decideFieldAccess(planned, { identity: caller(['calls:read', 'calls:caller']), purpose: 'CASE-1' });
    expect(decision.purposeMissing).toBe(false);
    expect(applyFieldAccess(result, decision).restrictedReturned).toEqual(['Call.callbackNumber']);
  });

  it('withholding a non-null field nulls the nearest nullable field above it, as GraphQL null propagation does', () => {
    const planned = plan('{ calls { id code } secret { value } }');
    const decision = decideFieldAccess(planned, { identity: caller(['calls:read']), purpose: null });
    const applied = applyFieldAccess({ data: { calls: [{ id: '1', code: 'X' }], secret: { value: 'v' } } }, decision);
    // calls: [Call!]! and code: String! -> nothing nullable above: the whole data is null.
    expect(applied.result.data).toBeNull();
    expect(applied.result.errors?.map((error) => (error as { extensions?: { code?: string } }).extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  });

  it('drops subgraph errors below a withheld field, so they cannot leak it', () => {
    const planned = plan('{ calls { id callbackNumber } }');
    const decision = decideFieldAccess(planned, { identity: caller(['calls:read']), purpose: null });
    const applied = applyFieldAccess(
      { data: { calls: [{ id: '1', callbackNumber: null }] }, errors: [{ message: 'number 555 is invalid', path: ['calls', 0, 'callbackNumber'] }] as never },
      decision,
    );
    expect(JSON.stringify(applied.result.errors)).not.toMatch(/555/);
  });
});

describe('location generalisation for city partners', () => {
  it('snaps points to the centre of a ~150 m cell: nearby points in one cell come out equal', () => {
    const a = { lat: 33.41521, lon: -111.83151 };
    const b = { lat: 33.41525, lon: -111.83149 };
    snapPoint(a);
    snapPoint(b);
    expect(a).toEqual(b);
    expect(Math.abs(a.lat - 33.41521)).toBeLessThan(150 / 111_320);
  });

  it('reduces street addresses to the hundred block and withholds anything else', () => {
    expect(hundredBlock('1234 W Main St, Mesa, AZ')).toBe('1200 block of W Main St, Mesa, AZ');
    expect(hundredBlock('1234 W Main St Apt 5, Mesa')).toBe('1200 block of W Main St, Mesa');
    expect(hundredBlock('Main St & Center St')).toBeNull();
    expect(hundredBlock('Jane Doe residence')).toBeNull();
  });
});

import { createRefusalAudit } from '../../../gateway/audit/createRefusalAudit';
import { createOperationLimits } from '../../../gateway/limits';
import { createSubscriptionAdmission } from '../../../gateway/subscriptions/admitSubscription';
import { callerWith, readApiSchema, recordingAuditSink, silentLogger } from './subscriptionFixtures';

function admissionWith(limits: Parameters<typeof createOperationLimits>[0] = {}) {
  const audit = recordingAuditSink();
  const refusals = createRefusalAudit({ audit, logger: silentLogger, perWindow: 100 });
  const admit = createSubscriptionAdmission({ schema: readApiSchema(), limits: createOperationLimits(limits), refusals });
  return { admit, audit, refusals };
}

describe('createSubscriptionAdmission', () => {
  const caller = callerWith(['supervisor']);

  it('admits a valid subscription as execution arguments, parsed once', () => {
    const { admit } = admissionWith();
    const admitted = admit(caller, { query: 'subscription Live($area: AreaInput) { callReceived(area: $area) { id } }', operationName: 'Live', variables: { area: null } });
    expect(Array.isArray(admitted)).toBe(false);
    expect(admitted).toMatchObject({ operationName: 'Live', variableValues: { area: null }, schema: readApiSchema() });
  });

  it('refuses an invalid subscription with GRAPHQL_VALIDATION_FAILED, without suggestions, and records the refusal', async () => {
    const { admit, audit, refusals } = admissionWith();
    const answer = admit(caller, { query: 'subscription { callRecieved { id } }' });
    expect(Array.isArray(answer)).toBe(true);
    const errors = answer as { message: string; extensions: Record<string, unknown> }[];
    expect(errors[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(errors[0]?.message).not.toMatch(/Did you mean/);
    await refusals.flush();
    expect(audit.records).toEqual([
      expect.objectContaining({ kind: 'subscription-start', outcome: 'denied', subject: caller.identity?.subject, reason: 'GRAPHQL_VALIDATION_FAILED' }),
    ]);
  });

  it('leaves queries and mutations to the gateway: no validation here', () => {
    const { admit } = admissionWith();
    expect(Array.isArray(admit(caller, { query: '{ noSuchField }' }))).toBe(false);
  });

  it('refuses what the limits refuse, with their code, and records it', async () => {
    const { admit, audit, refusals } = admissionWith({ maxDepth: 2 });
    const answer = admit(caller, { query: 'subscription { callReceived { location { point { lat } } } }' });
    expect((answer as { extensions: Record<string, unknown> }[])[0]?.extensions.code).toBe('QUERY_TOO_DEEP');
    await refusals.flush();
    expect(audit.records[0]).toMatchObject({ kind: 'subscription-start', outcome: 'denied', reason: 'QUERY_TOO_DEEP' });
  });

  it('counts rate-limited refusals into a summary instead of a record each', async () => {
    const { admit, audit, refusals } = admissionWith({ rateLimitPerMinute: 1, rateLimitBurst: 1 });
    const query = 'subscription { callReceived { id } }';
    expect(Array.isArray(admit(caller, { query }))).toBe(false);
    for (let index = 0; index < 5; index += 1) {
      expect((admit(caller, { query }) as { extensions: Record<string, unknown> }[])[0]?.extensions.code).toBe('RATE_LIMITED');
    }
    await refusals.close();
    expect(audit.records).toHaveLength(1);
    expect(audit.records[0]?.details).toMatchObject({ summary: true, refusals: 5 });
  });
});

import pino from 'pino';
import type { AuditRecordInput } from '../../../audit/auditRecord';
import { createRefusalAudit } from '../../../gateway/audit/createRefusalAudit';

const refusal = (status: number): AuditRecordInput => ({
  kind: 'request-refused',
  outcome: 'denied',
  reason: `HTTP ${status}`,
  details: { clientAddress: '10.0.0.7', status },
});

describe('createRefusalAudit', () => {
  it('records a few refusals per key and window one by one, and summarises the rest in one record', async () => {
    let now = 0;
    const written: AuditRecordInput[] = [];
    const refusals = createRefusalAudit({ audit: { append: async (record) => written.push(record) }, logger: pino({ level: 'silent' }), perWindow: 2, windowMs: 1000, now: () => now });
    for (let index = 0; index < 50; index += 1) refusals.refused('address:10.0.0.7', refusal(index % 2 === 0 ? 415 : 413));
    refusals.refused('address:10.0.0.8', refusal(400));
    await refusals.flush();
    expect(written.filter((record) => !record.details?.summary)).toHaveLength(3);
    const summaries = written.filter((record) => record.details?.summary);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.details).toMatchObject({ refusals: 48, key: 'address:10.0.0.7', clientAddress: '10.0.0.7', reasons: { 'HTTP 415': 24, 'HTTP 413': 24 } });
    // A new window records one by one again; a rate-limited sender is summarised from the first refusal.
    now = 5000;
    refusals.refused('address:10.0.0.7', refusal(415));
    refusals.refused('address:10.0.0.9', refusal(415), true);
    await refusals.close();
    expect(written).toHaveLength(6);
    expect(written.at(-1)?.details).toMatchObject({ summary: true, refusals: 1, key: 'address:10.0.0.9' });
  });
});

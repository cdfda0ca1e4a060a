import type { AuditRecordInput } from '../../../audit/auditRecord';
import { type DeliveryRecipient, createDeliveryAudit } from '../../../gateway/audit/createDeliveryAudit';

/** A recipient whose records name the view they describe and the deliveries counted. */
function recipient(key: string, clientAddress: string): DeliveryRecipient<string> {
  return {
    key,
    clientAddress,
    describe: (view, deliveries): AuditRecordInput => ({
      kind: 'subscription-event',
      subject: key,
      outcome: 'ok',
      recordIds: [view],
      details: { deliveries: deliveries.count, clientAddresses: [...deliveries.clientAddresses] },
    }),
  };
}

const flushed = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createDeliveryAudit', () => {
  it('writes one record per event and recipient key, after the turn, counting connections and addresses', async () => {
    const written: AuditRecordInput[] = [];
    const audit = createDeliveryAudit<string>(async (record) => written.push(record));
    const [first, second] = [{}, {}];
    const a1 = recipient('a', '10.0.0.1');
    const a2 = recipient('a', '10.0.0.2');
    const a3 = recipient('a', '10.0.0.1');
    const b = recipient('b', '10.0.0.9');
    for (const r of [a1, a2, a3, b]) audit.delivered(first, r, 'Call:1');
    // A second event delivered in the same turn keeps its own view.
    audit.delivered(second, a1, 'Call:2');
    expect(written).toEqual([]);
    await flushed();
    expect(written.map((record) => [record.subject, record.recordIds, record.details])).toEqual([
      ['a', ['Call:1'], { deliveries: 3, clientAddresses: ['10.0.0.1', '10.0.0.2'] }],
      ['b', ['Call:1'], { deliveries: 1, clientAddresses: ['10.0.0.9'] }],
      ['a', ['Call:2'], { deliveries: 1, clientAddresses: ['10.0.0.1'] }],
    ]);
    // The next turn starts afresh.
    audit.delivered(first, b, 'Call:1');
    await flushed();
    expect(written).toHaveLength(4);
    expect(written[3]?.details).toEqual({ deliveries: 1, clientAddresses: ['10.0.0.9'] });
  });

  it('settles each recipient once its record is stored, and rejects when it could not be', async () => {
    const audit = createDeliveryAudit<string>(async (record) => {
      if (record.subject === 'refused') throw new Error('audit log unwritable');
    });
    const event = {};
    const stored = audit.delivered(event, recipient('ok', '10.0.0.1'), 'Call:1');
    const refused = audit.delivered(event, recipient('refused', '10.0.0.2'), 'Call:1');
    await expect(stored).resolves.toBeUndefined();
    await expect(refused).rejects.toThrow('audit log unwritable');
  });
});

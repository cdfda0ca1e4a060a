import { parse } from 'graphql';
import type { AuditRecordInput } from '../../../audit/auditRecord';
import { createDeliveryAudit } from '../../../gateway/audit/createDeliveryAudit';
import { createAccessControl } from '../../../gateway/authorization/createAccessControl';
import { stripSecurityPurpose } from '../../../gateway/authorization/stripSecurityPurpose';
import type { GatewayContext } from '../../../gateway/gatewayContext';
import { createConnectionOutbox } from '../../../gateway/subscriptions/createConnectionOutbox';
import { createFlushScheduler } from '../../../gateway/subscriptions/createFlushScheduler';
import { type EventView, createSharedSubscriptions } from '../../../gateway/subscriptions/createSharedSubscriptions';
import { createSubscriptionPlanner } from '../../../gateway/subscriptions/createSubscriptionPlanner';
import { createSubscriptionDelivery } from '../../../gateway/subscriptions/deliverSubscription';
import { joinSharedStream } from '../../../gateway/subscriptions/joinSharedStream';
import { SUPERGRAPH_SDL, callerWith, silentLogger, subgraphsStandIn, until } from './subscriptionFixtures';

/** Real planner, shared streams and access control over a stand-in for the subgraphs; each subscriber's outbox holds until drained. */
function streamsUnderTest() {
  const planner = createSubscriptionPlanner({ supergraphSdl: stripSecurityPurpose(SUPERGRAPH_SDL), dataSources: {}, logger: silentLogger });
  const subgraphs = subgraphsStandIn();
  const shared = createSharedSubscriptions({ planner, upstream: subgraphs.upstream, logger: silentLogger });
  const access = createAccessControl({ supergraphSdl: SUPERGRAPH_SDL, apiSchema: planner.schema });
  const records: AuditRecordInput[] = [];
  const deliveryAudit = createDeliveryAudit<EventView>(async (record) => records.push(record));
  const scheduler = createFlushScheduler(0);

  const join = (caller: GatewayContext, source: string, onExpired: () => void = () => undefined) => {
    const written: string[] = [];
    // Congested until the test drains it: what the subscriber is sent waits (and coalesces), as for a slow client.
    let congested = true;
    const outbox = createConnectionOutbox<Buffer, Buffer>({ limit: 100, scheduler, isCongested: () => congested, write: (messages) => written.push(...messages.map(({ body }) => String(body))), onOverflow: () => undefined });
    const document = parse(source);
    const checked = access.check(document, undefined, caller);
    const leave = joinSharedStream({
      shared,
      request: { document, operationName: null, variables: {} },
      access,
      checked,
      expiresAt: caller.identity?.expiresAt ?? 0,
      onExpired,
      deliveryAudit,
      recipient: { key: caller.identity?.subject ?? '', clientAddress: caller.clientAddress, describe: (view) => ({ kind: 'subscription-event', outcome: 'ok', details: { restricted: view.restrictedReturned } }) },
      delivery: createSubscriptionDelivery(outbox.channel(Buffer.alloc(0)), silentLogger),
    });
    const drain = () => {
      congested = false;
      outbox.flush();
    };
    return { written, leave, drain, waiting: () => outbox.size };
  };
  return { join, subgraphs, shared, records, close: () => scheduler.close() };
}

describe('joinSharedStream', () => {
  it('shares one upstream subscription among subscribers of one operation, and coalesces events by the key their field declares', async () => {
    const under = streamsUnderTest();
    try {
      const source = 'subscription { unitPositions { id position { headingDegrees } } }';
      const first = under.join(callerWith(['operator'], { subject: 'a' }), source);
      const second = under.join(callerWith(['operator'], { subject: 'b' }), source);
      expect(under.subgraphs.subscriptions).toHaveLength(1);
      expect(under.shared.streamCount).toBe(1);
      const sink = under.subgraphs.subscriptions[0]?.sink;
      // Events reach subscribers in upstream order: once u3's is waiting, so is everything before it.
      for (const [id, heading] of [['u1', 10], ['u2', 20], ['u1', 30], ['u3', 40]] as const) sink?.next({ data: { unitPositions: { id, position: { headingDegrees: heading } } } });
      await until(() => first.waiting() === 3 && second.waiting() === 3, 'four events waiting as three');
      first.drain();
      second.drain();
      // @coalesce(by: "id"): u1's later fix replaced its earlier one in place; the others stayed.
      const expected = [
        '{"data":{"unitPositions":{"id":"u1","position":{"headingDegrees":30}}}}',
        '{"data":{"unitPositions":{"id":"u2","position":{"headingDegrees":20}}}}',
        '{"data":{"unitPositions":{"id":"u3","position":{"headingDegrees":40}}}}',
      ];
      expect(first.written).toEqual(expected);
      expect(second.written).toEqual(expected);
      first.leave();
      expect(under.subgraphs.subscriptions[0]?.stopped).toBe(false);
      second.leave();
      expect(under.subgraphs.subscriptions[0]?.stopped).toBe(true);
    } finally {
      under.close();
    }
  });

  it('writes the record of an event with restricted fields before handing it on, when the decisions ask for one', async () => {
    const under = streamsUnderTest();
    try {
      const subscriber = under.join(callerWith(['operator']), 'subscription { cameraStatusChanged { id snapshotUrl } }');
      under.subgraphs.subscriptions[0]?.sink.next({ data: { cameraStatusChanged: { id: 'cam-1', snapshotUrl: 'http://vms.test.invalid/cam-1.jpg' } } });
      await until(() => subscriber.waiting() === 1, 'event waiting');
      subscriber.drain();
      expect(subscriber.written).toHaveLength(1);
      expect(under.records).toEqual([{ kind: 'subscription-event', outcome: 'ok', details: { restricted: ['Camera.snapshotUrl'] } }]);
    } finally {
      under.close();
    }
  });

  it('hands no event on once the subscriber\'s token has expired, and says so', async () => {
    const under = streamsUnderTest();
    try {
      let expired = 0;
      const subscriber = under.join(callerWith(['operator'], { expiresAt: Date.now() - 1 }), 'subscription { unitPositions { id } }', () => (expired += 1));
      under.subgraphs.subscriptions[0]?.sink.next({ data: { unitPositions: { id: 'u1' } } });
      await until(() => expired === 1, 'expiry reported');
      subscriber.drain();
      expect(subscriber.written).toEqual([]);
    } finally {
      under.close();
    }
  });
});

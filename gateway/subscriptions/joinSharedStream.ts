import type { SpanContext } from '@opentelemetry/api';
import type { ExecutionResult } from 'graphql';
import type { DeliveryAudit, DeliveryRecipient } from '../audit/createDeliveryAudit';
import type { AccessControl, CheckedOperation } from '../authorization/createAccessControl';
import type { EventView, SharedSubscriptions, SubscriptionRequest } from './createSharedSubscriptions';
import type { SubscriptionDelivery } from './deliverSubscription';

export interface JoinOptions {
  readonly shared: SharedSubscriptions;
  /** The confined document, with the client's operation name and variables. */
  readonly request: SubscriptionRequest;
  readonly access: AccessControl;
  /** The subscriber's access decisions (authorizeSubscription). */
  readonly checked: CheckedOperation;
  /** When the subscriber's token expires (ms since epoch); no event at or after it is delivered. */
  readonly expiresAt: number;
  /** Called on the first event at or after `expiresAt` (the connection is then closed). */
  readonly onExpired: () => void;
  /** Writes the records of events that carried restricted data, shared among subscribers of one recipient key. */
  readonly deliveryAudit: DeliveryAudit<EventView>;
  readonly recipient: DeliveryRecipient<EventView>;
  readonly delivery: SubscriptionDelivery;
  /** The subscription's start span: each event's span links to it. */
  readonly link?: SpanContext | undefined;
}

/**
 * The sixth phase: joins (or opens) the shared stream of the operation and hands each event, as
 * this subscriber's access decisions make it (computed once per share key), to delivery; an event
 * that carried restricted fields is delivered only with its audit record, when the decisions ask
 * for one (need-to-know). Returns the function that leaves the stream; throws when the operation
 * cannot be planned.
 */
export function joinSharedStream(options: JoinOptions): () => void {
  const { shared, request, access, checked, expiresAt, onExpired, deliveryAudit, recipient, delivery, link } = options;
  const filter = (result: ExecutionResult) => access.apply(result, checked);
  const auditsEvents = checked.decision.needToKnow.length > 0;
  return shared.subscribe(request, {
    link,
    next: (event) => {
      // Checked on every event: a subscription lives no longer than the token it was opened with.
      if (event.at >= expiresAt) {
        onExpired();
        return;
      }
      const view = event.viewFor(checked.shareKey, filter);
      const recorded = auditsEvents && view.restrictedReturned.length > 0 ? deliveryAudit.delivered(event, recipient, view) : null;
      delivery.deliver(view.bytes, event.coalesceKey, recorded);
    },
    error: (errors) => delivery.end({ errors: [...errors] }),
    complete: () => delivery.end('done'),
  });
}

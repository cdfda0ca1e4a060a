import type { AuditRecordInput } from '../../audit/auditRecord';

/** One subscriber's share in the audit of the events it receives. */
export interface DeliveryRecipient<V> {
  /**
   * Recipients with the same key receive an event under one audit record: same caller (subject,
   * roles, client, department), same purpose, same operation and the same access decisions.
   */
  readonly key: string;
  /** Where this subscriber is connected from. */
  readonly clientAddress: string;
  /** The record of one event, as `view`, received by this recipient and every other with its key. */
  describe(view: V, deliveries: Deliveries): AuditRecordInput;
}

/** How many subscriptions of one key received an event, and from which addresses. */
export interface Deliveries {
  readonly count: number;
  readonly clientAddresses: readonly string[];
}

export interface DeliveryAudit<V> {
  /**
   * Notes that `recipient` was handed `event` as `view` (recipients of one key see the same
   * view). The records of an event are written once every recipient handed it in the same turn
   * has been noted: one per recipient key. Resolves once this recipient's record is stored,
   * rejects when it could not be: the event must then not be delivered (no record, no delivery).
   */
  delivered(event: object, recipient: DeliveryRecipient<V>, view: V): Promise<void>;
}

interface Group<V> {
  readonly recipient: DeliveryRecipient<V>;
  readonly view: V;
  readonly addresses: Set<string>;
  count: number;
  /** Settles with the group's record. */
  readonly stored: Promise<void>;
  settle(written: Promise<unknown>): void;
}

/**
 * Audits subscription events by recipient rather than by subscription: an operator with three
 * consoles open on the same subscription gets one record of each event that names the three
 * connections, not three. Who received what, when, and for which purpose is the same as with a
 * record per subscription (CJIS 5.4.1.1, 28 CFR 23.20(e)); the log grows with the people
 * watching, not with their browser tabs. The records of the events noted in one turn of the
 * event loop are written after it, in delivery order; each recipient hands its event on once
 * the record is stored.
 */
export function createDeliveryAudit<V>(write: (record: AuditRecordInput) => Promise<unknown>): DeliveryAudit<V> {
  let pending = new Map<object, Map<string, Group<V>>>();
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const due = pending;
    pending = new Map();
    for (const groups of due.values()) {
      for (const group of groups.values()) {
        const { recipient, view, addresses, count } = group;
        let written: Promise<unknown>;
        try {
          written = write(recipient.describe(view, { count, clientAddresses: [...addresses] }));
        } catch (error) {
          written = Promise.reject(error);
        }
        group.settle(written);
      }
    }
  };

  return {
    delivered(event, recipient, view) {
      let groups = pending.get(event);
      if (!groups) {
        groups = new Map();
        pending.set(event, groups);
      }
      let group = groups.get(recipient.key);
      if (group) {
        group.count += 1;
        group.addresses.add(recipient.clientAddress);
      } else {
        let settle: (written: Promise<unknown>) => void = () => undefined;
        const stored = new Promise<void>((resolve, reject) => {
          settle = (written) => written.then(() => resolve(), reject);
        });
        group = { recipient, view, addresses: new Set([recipient.clientAddress]), count: 1, stored, settle };
        groups.set(recipient.key, group);
      }
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
      return group.stored;
    },
  };
}

/**
 * The notification port: how the hub tells a community camera owner of something that needs
 * them (a footage request). Contract only; the adapters beside it implement it (the development
 * outbox, email and SMS through a transport the agency supplies).
 */

/** One message to a camera owner. */
export interface OwnerNotification {
  readonly ownerId: string;
  readonly channel: 'EMAIL' | 'SMS';
  /** The address or number, from the owner's profile. */
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** What it is about, e.g. `footage-request:<id>`. */
  readonly topic: string;
}

/** Sends messages to owners, and forgets those of an owner who erased their data. */
export interface NotificationPort {
  /** Sends (or queues) one message; resolves with the adapter's id for it. */
  send(notification: OwnerNotification): Promise<{ readonly id: string }>;
  /** Forgets every message to an erased owner (an outbox holds their address); resolves with how many. */
  eraseOwner(ownerId: string): Promise<number>;
}

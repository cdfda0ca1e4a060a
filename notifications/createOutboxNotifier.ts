import { randomUUID } from 'node:crypto';
import type { Database } from '../storage/createDatabase';
import type { NotificationPort, OwnerNotification } from './notificationPort';
import { OUTBOX_TABLE } from './outboxMigrations';
import { checkNotification } from './checkNotification';

/** A message as the outbox holds it. */
export interface OutboxMessage extends OwnerNotification {
  readonly id: string;
  readonly queuedAt: Date;
}

/** The development outbox: a {@link NotificationPort} that keeps messages in a table instead of sending them. */
export interface OutboxNotifier extends NotificationPort {
  readonly kind: 'outbox';
  /** The newest messages first, at most `limit` (1 to 500). */
  list(limit?: number): Promise<readonly OutboxMessage[]>;
}

export interface OutboxOptions {
  readonly now?: () => Date;
  readonly newId?: () => string;
}

interface OutboxRow {
  id: string;
  owner_id: string;
  channel: string;
  to_address: string;
  subject: string;
  body: string;
  topic: string;
  queued_at: Date;
}

/**
 * Development notifications (COMMUNITY_NOTIFIER=outbox): each message is a row of
 * `notification_outbox` in `db`'s schema (see outboxMigration), shown on `/community/outbox`
 * to loopback callers. Nothing leaves the machine.
 */
export function createOutboxNotifier(db: Database, options: OutboxOptions = {}): OutboxNotifier {
  const { now = () => new Date(), newId = () => `msg-${randomUUID()}` } = options;
  const outbox = () => db.table(OUTBOX_TABLE);
  return {
    kind: 'outbox',
    async send(notification) {
      checkNotification(notification);
      const id = newId();
      await outbox().insert({
        id,
        owner_id: notification.ownerId,
        channel: notification.channel,
        to_address: notification.to,
        subject: notification.subject,
        body: notification.text,
        topic: notification.topic,
        queued_at: now(),
      });
      return { id };
    },
    async eraseOwner(ownerId) {
      const gone = (await outbox().where('owner_id', ownerId).delete().returning('id')) as unknown[];
      return gone.length;
    },
    async list(limit = 100) {
      const size = Number.isInteger(limit) ? Math.min(Math.max(limit, 1), 500) : 100;
      const rows = (await outbox().orderBy([{ column: 'queued_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(size)) as OutboxRow[];
      return rows.map((row) => ({
        id: row.id,
        ownerId: row.owner_id,
        channel: row.channel === 'SMS' ? 'SMS' : 'EMAIL',
        to: row.to_address,
        subject: row.subject,
        text: row.body,
        topic: row.topic,
        queuedAt: new Date(row.queued_at),
      }));
    },
  };
}

/** Whether `port` is the development outbox (it then has a page to show). */
export function isOutboxNotifier(port: NotificationPort): port is OutboxNotifier {
  return (port as Partial<OutboxNotifier>).kind === 'outbox' && typeof (port as Partial<OutboxNotifier>).list === 'function';
}

import { randomUUID } from 'node:crypto';
import type { NotificationPort } from './notificationPort';
import { checkNotification } from './checkNotification';

/** The part of a pino logger this notifier uses. */
export interface NotificationLogger {
  info(details: Record<string, unknown>, message: string): void;
}

/**
 * COMMUNITY_NOTIFIER=log: each message is a log line naming the owner id, channel and topic —
 * never the address or the text, so that the log holds no personal data — and nothing is sent.
 */
export function createLogNotifier(logger: NotificationLogger, newId: () => string = () => `log-${randomUUID()}`): NotificationPort {
  return {
    async send(notification) {
      checkNotification(notification);
      const id = newId();
      logger.info({ notificationId: id, ownerId: notification.ownerId, channel: notification.channel, topic: notification.topic }, 'owner notification (not sent: COMMUNITY_NOTIFIER=log)');
      return { id };
    },
    eraseOwner: async () => 0,
  };
}

/** COMMUNITY_NOTIFIER=off: nothing is sent or kept; owners see requests on their page only. */
export function createOffNotifier(): NotificationPort {
  return {
    send: async () => ({ id: 'off' }),
    eraseOwner: async () => 0,
  };
}

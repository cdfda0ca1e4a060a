import type { Database } from '../storage/createDatabase';
import type { NotificationPort } from './notificationPort';
import { createOutboxNotifier } from './createOutboxNotifier';
import { type NotificationLogger, createLogNotifier, createOffNotifier } from './createLogNotifier';

/** The values of COMMUNITY_NOTIFIER. */
export const NOTIFIER_KINDS = ['outbox', 'log', 'off'] as const;
export type NotifierKind = (typeof NOTIFIER_KINDS)[number];

/**
 * The notifier COMMUNITY_NOTIFIER names. Email and SMS need a transport the agency writes
 * (createEmailNotifier, createSmsNotifier): a hub built for an agency passes its own port instead.
 */
export function createConfiguredNotifier(kind: NotifierKind, services: { db: Database; logger: NotificationLogger; now?: () => Date }): NotificationPort {
  switch (kind) {
    case 'outbox':
      return createOutboxNotifier(services.db, services.now ? { now: services.now } : {});
    case 'log':
      return createLogNotifier(services.logger);
    case 'off':
      return createOffNotifier();
  }
}

/**
 * Sends each message through the port of its channel (an agency with both email and SMS);
 * a channel without a port is refused, which the footage desk records as a failed notification.
 */
export function createChannelNotifier(ports: { readonly EMAIL?: NotificationPort; readonly SMS?: NotificationPort }): NotificationPort {
  return {
    async send(notification) {
      const port = ports[notification.channel];
      if (!port) throw new Error(`No notifier for ${notification.channel} messages`);
      return port.send(notification);
    },
    async eraseOwner(ownerId) {
      const counts = await Promise.all([ports.EMAIL, ports.SMS].map((port) => port?.eraseOwner(ownerId) ?? 0));
      return counts.reduce((sum, n) => sum + n, 0);
    },
  };
}

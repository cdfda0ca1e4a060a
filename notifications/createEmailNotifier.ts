import type { NotificationPort } from './notificationPort';
import { NotificationRefusedError, checkNotification } from './checkNotification';

/** One email as a transport sends it: plain text, one recipient. */
export interface EmailMessage {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/**
 * What an agency implements to send email (its SMTP relay, a mail API). `send` resolves once the
 * relay accepted the message, with the relay's id for it (a Message-ID), and rejects when it
 * refused it: the footage desk then records the failure and retries on its next sweep.
 */
export interface EmailTransport {
  send(message: EmailMessage): Promise<{ readonly id: string }>;
}

export interface EmailNotifierOptions {
  readonly transport: EmailTransport;
  /** The sender address, e.g. `community-connect@pd.example.gov`. */
  readonly from: string;
}

/**
 * Notifications by email through an agency's {@link EmailTransport}. Sends only EMAIL messages;
 * keeps nothing, so erasing an owner forgets nothing here (the relay's own logs are the agency's).
 */
export function createEmailNotifier({ transport, from }: EmailNotifierOptions): NotificationPort {
  return {
    async send(notification) {
      if (notification.channel !== 'EMAIL') throw new NotificationRefusedError(`the email notifier sends no ${notification.channel} messages`);
      checkNotification(notification);
      return transport.send({ from, to: notification.to, subject: notification.subject, text: notification.text });
    },
    eraseOwner: async () => 0,
  };
}

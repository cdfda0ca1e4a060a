import type { NotificationPort } from './notificationPort';
import { NotificationRefusedError, checkNotification } from './checkNotification';

/** One text message as a transport sends it. */
export interface SmsMessage {
  readonly to: string;
  readonly text: string;
}

/**
 * What an agency implements to send text messages (an SMS gateway's HTTP API). `send` resolves
 * with the gateway's id for the message once accepted, and rejects when refused.
 */
export interface SmsTransport {
  send(message: SmsMessage): Promise<{ readonly id: string }>;
}

export interface SmsNotifierOptions {
  readonly transport: SmsTransport;
  /** Longest text sent, in characters (longer ones are cut, ending with …); default 480, three concatenated SMS. */
  readonly maxLength?: number;
}

/** Notifications by SMS through an agency's {@link SmsTransport}: the subject, then the text, cut to `maxLength`. */
export function createSmsNotifier({ transport, maxLength = 480 }: SmsNotifierOptions): NotificationPort {
  return {
    async send(notification) {
      if (notification.channel !== 'SMS') throw new NotificationRefusedError(`the SMS notifier sends no ${notification.channel} messages`);
      checkNotification(notification);
      const whole = `${notification.subject}\n${notification.text}`;
      const text = whole.length > maxLength ? `${whole.slice(0, Math.max(maxLength - 1, 0))}…` : whole;
      return transport.send({ to: notification.to, text });
    },
    eraseOwner: async () => 0,
  };
}

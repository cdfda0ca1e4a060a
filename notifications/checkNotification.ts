import type { OwnerNotification } from './notificationPort';

/** Longest subject a notification may have, in characters. */
export const MAX_SUBJECT_LENGTH = 200;
/** Longest text, in characters. */
export const MAX_TEXT_LENGTH = 4000;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
/** A plain address: no spaces, no angle brackets or commas (one recipient, no display name). */
const EMAIL = /^[^\s@<>,;"]{1,64}@[^\s@<>,;"]{1,253}$/;
/** E.164 or a local form: digits, with an optional leading + and separators. */
const PHONE = /^\+?[0-9][0-9 ().-]{2,30}$/;

/** Why a notification cannot be sent as it is. */
export class NotificationRefusedError extends Error {
  constructor(problem: string) {
    super(`Notification refused: ${problem}`);
    this.name = 'NotificationRefusedError';
  }
}

/**
 * Checks what every adapter relies on: one recipient of the channel's kind, and no control
 * characters in the subject or the address (a CR LF in an email header adds headers: RFC 5322
 * §2.2 header injection). Throws {@link NotificationRefusedError}.
 */
export function checkNotification(notification: OwnerNotification): void {
  const { ownerId, channel, to, subject, text, topic } = notification;
  if (ownerId === '' || CONTROL.test(ownerId)) throw new NotificationRefusedError('the owner id is empty or has control characters');
  if (CONTROL.test(topic)) throw new NotificationRefusedError('the topic has control characters');
  if (channel === 'EMAIL' ? !EMAIL.test(to) : !PHONE.test(to)) throw new NotificationRefusedError(`the recipient is no ${channel === 'EMAIL' ? 'email address' : 'telephone number'}`);
  if (CONTROL.test(subject) || subject.length > MAX_SUBJECT_LENGTH) throw new NotificationRefusedError(`the subject has control characters or is longer than ${MAX_SUBJECT_LENGTH}`);
  if (CONTROL_BUT_NEWLINE.test(text) || text.length > MAX_TEXT_LENGTH) throw new NotificationRefusedError(`the text has control characters or is longer than ${MAX_TEXT_LENGTH}`);
}

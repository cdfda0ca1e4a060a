/** The notification room's public entry: the port and its adapters. */
export type { NotificationPort, OwnerNotification } from './notificationPort';
export { type OutboxMessage, type OutboxNotifier, createOutboxNotifier, isOutboxNotifier } from './createOutboxNotifier';
export { OUTBOX_TABLE, outboxMigration } from './outboxMigrations';
export { type EmailMessage, type EmailTransport, createEmailNotifier } from './createEmailNotifier';
export { type SmsMessage, type SmsTransport, createSmsNotifier } from './createSmsNotifier';
export { type NotificationLogger, createLogNotifier, createOffNotifier } from './createLogNotifier';
export { NOTIFIER_KINDS, type NotifierKind, createChannelNotifier, createConfiguredNotifier } from './createConfiguredNotifier';
export { NotificationRefusedError, checkNotification } from './checkNotification';
export { renderOutboxPage } from './renderOutboxPage';

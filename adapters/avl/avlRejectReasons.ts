/**
 * Reasons the AVL translator and transports reject input for, beyond those of the NMEA 0183
 * and TAIP parsers (`NMEA_REJECT_REASONS`, `TAIP_REJECT_REASONS`), with what each means.
 */
export const AVL_REJECT_REASONS = {
  'control-character': 'The line holds a control character (C0 such as NUL, DEL, or C1): no NMEA or TAIP line may.',
  'too-many-lines': 'The datagram (or TCP read) holds more lines than AVL_MAX_LINES_PER_DATAGRAM; the rest is kept whole in one dead letter.',
  'line-too-long': 'A TCP stream sent a line longer than the adapter\'s line limit; its start is kept, the rest of the line up to the next newline is skipped.',
  'fix-in-future': 'The fix time lies more than AVL_MAX_FUTURE_SKEW_MS after the receive clock: a spoofed or broken device clock.',
  'fix-too-old': 'The fix time lies further back than RETENTION_AVL_POSITIONS_DAYS: it would be purged at once, so it cannot be meant.',
  'unknown-device': 'No unit is assigned the device that sent the fix.',
  'translation-failed': 'The translator failed on the payload (a bug, never the sender\'s fault); the payload is kept whole.',
} as const;

export type AvlRejectReason = keyof typeof AVL_REJECT_REASONS;

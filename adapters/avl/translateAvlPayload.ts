import type { PositionFix, Rejection } from '../contract';
import { type DeviceFix, type NmeaFixAssembler, parseNmeaSentence } from '../nmea';
import { type TaipFixAssembler, parseTaipMessage } from '../taip';

/** What one AVL payload (a datagram, or a line of a stream) became. */
export interface AvlTranslation {
  readonly fixes: PositionFix[];
  readonly rejections: Omit<Rejection, 'source' | 'receivedAt'>[];
}

export interface AvlTranslatorOptions {
  readonly source: string;
  readonly nmea: NmeaFixAssembler;
  readonly taip: TaipFixAssembler;
  /** The unit whose car holds a device (the AVL device table). */
  readonly unitFor: (deviceId: string) => string | undefined;
}

/**
 * A modem may put its id before each NMEA sentence, `<deviceId>,$GPRMC,…` (the "include modem
 * id" option of AVL modems); TAIP carries `;ID=` itself. Without either, the transport's sender
 * address identifies the device.
 */
const MODEM_ID_PREFIX = /^([A-Za-z0-9_.:-]{1,64}),(?=\$)/;

/**
 * Translates one payload of NMEA 0183 sentences and/or TAIP messages into position fixes.
 * Every line that cannot be used becomes a rejection carrying the line — prefixed with the
 * device id, so that a replay reaches the same device — and never stops the lines after it.
 */
export function translateAvlPayload(payload: string, senderId: string, options: AvlTranslatorOptions): AvlTranslation {
  const { source, nmea, taip, unitFor } = options;
  const fixes: PositionFix[] = [];
  const rejections: AvlTranslation['rejections'][number][] = [];
  const rawByDevice = new Map<string, string[]>();

  const toEvent = (fix: DeviceFix) => {
    const unitId = unitFor(fix.deviceId);
    const raw = (rawByDevice.get(fix.deviceId) ?? []).join('\r\n');
    if (!unitId) {
      rejections.push({ reason: 'unknown-device', detail: `no unit is assigned device "${fix.deviceId}"`, raw });
      return;
    }
    fixes.push({
      type: 'position.fix',
      // The same fix from the same device is the same event, however often it is sent.
      eventId: `${fix.deviceId}@${fix.fixAt}`,
      source,
      occurredAt: fix.fixAt,
      unitId,
      deviceId: fix.deviceId,
      point: fix.point,
      headingDegrees: fix.headingDegrees,
      speedKph: fix.speedKph,
      fixAt: fix.fixAt,
    });
  };

  for (const rawLine of payload.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '') continue;
    if (line.startsWith('>')) {
      const parsed = parseTaipMessage(line);
      if (!parsed.ok) rejections.push({ reason: parsed.reason, detail: parsed.detail, raw: line });
      else if ('ignored' in parsed) continue;
      else {
        const assembled = taip.accept(parsed.message, senderId);
        if (!assembled.ok) rejections.push({ reason: assembled.reason, detail: assembled.detail, raw: line });
        else {
          rawByDevice.set(assembled.fix.deviceId, [line]);
          toEvent(assembled.fix);
        }
      }
      continue;
    }
    const prefix = MODEM_ID_PREFIX.exec(line);
    const deviceId = prefix?.[1] ?? senderId;
    const sentence = prefix ? line.slice(prefix[0].length) : line;
    const parsed = parseNmeaSentence(sentence);
    if (!parsed.ok) {
      rejections.push({ reason: parsed.reason, detail: parsed.detail, raw: `${deviceId},${sentence}` });
      continue;
    }
    if ('ignored' in parsed) continue;
    const lines = rawByDevice.get(deviceId) ?? [];
    lines.push(`${deviceId},${sentence}`);
    rawByDevice.set(deviceId, lines);
    for (const assembled of nmea.accept(deviceId, parsed.sentence)) {
      if (assembled.ok) toEvent(assembled.fix);
      else rejections.push({ reason: assembled.reason, detail: assembled.detail, raw: `${deviceId},${sentence}` });
    }
  }
  // A modem sends an epoch's sentences together: complete what this payload started.
  for (const deviceId of rawByDevice.keys()) {
    for (const assembled of nmea.flush(deviceId)) {
      if (assembled.ok) toEvent(assembled.fix);
      else rejections.push({ reason: assembled.reason, detail: assembled.detail, raw: (rawByDevice.get(deviceId) ?? []).join('\r\n') });
    }
  }
  return { fixes, rejections };
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RefusalAuditor } from '../../audit';
import type { ErrorCode } from '../../errors/hubErrors';
import { refusalBody } from './refusalBody';
import type { CommunityAudit } from './communityPorts';
import { clientAddressOf } from './clientAddressOf';

export const ALARM_TIMESTAMP_HEADER = 'x-rtcc-timestamp';
export const ALARM_SIGNATURE_HEADER = 'x-rtcc-signature';
/** A signature's timestamp may be this far from the hub's clock (replays of older ones are refused). */
export const ALARM_MAX_SKEW_SECONDS = 300;
/** Largest alarm body read: `{"active":true}` is 15 bytes. */
const ALARM_BODY_LIMIT = 1024;
/** Signatures remembered to refuse an exact replay inside the skew window. */
const MAX_REMEMBERED_SIGNATURES = 10_000;
// eslint-disable-next-line no-control-regex
const OWNER_ID = /^[^\u0000-\u001f\u007f-\u009f\s/]{1,200}$/u;

export interface AlarmWebhookOptions {
  readonly audit: CommunityAudit;
  /**
   * Audits refused calls (kind `alarm`, outcome denied), per client address and window: the first
   * at once, the rest as one record with their count. A flood of bad calls is not a flood of records.
   */
  readonly refusals: RefusalAuditor;
  readonly now: () => Date;
  /** The owner's alarm secret, or null (unknown owner, or none set). */
  readonly secretOf: (ownerId: string) => Promise<string | null>;
  /** Opens (active) or closes the owner's alarm; resolves when it has taken effect. */
  readonly raise: (ownerId: string, active: boolean) => Promise<{ readonly activeUntil: Date | null }>;
}

/** The HMAC-SHA256 an owner's alarm system sends: hex of `<timestamp>.<raw body>` under the owner's secret. */
export function signAlarm(secret: string, timestamp: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/**
 * `POST /community/alarm/<ownerId>`: an owner's alarm system opens (or closes early) live sharing
 * of the owner's ALARM-mode cameras. Signed with the owner's secret over the timestamp and the
 * raw body; a timestamp more than ALARM_MAX_SKEW_SECONDS off, a signature seen before, a wrong
 * secret, an unknown owner or a bad body opens nothing. An accepted alarm is audited (kind
 * `alarm`, the owner id only) before it takes effect; refusals through `refusals`, per client
 * address and window (the first at once, the rest counted), so that a flood of them stays a few records.
 */
export function registerAlarmWebhook(app: FastifyInstance, options: AlarmWebhookOptions): void {
  const { audit, refusals, now, secretOf, raise } = options;
  const seen = new Map<string, number>();
  const remember = (signature: string, at: number) => {
    for (const [key, expiry] of seen) {
      if (expiry > at && seen.size < MAX_REMEMBERED_SIGNATURES) break;
      seen.delete(key);
    }
    seen.set(signature, at + 2 * ALARM_MAX_SKEW_SECONDS * 1000);
  };

  const refuse = async (reply: FastifyReply, status: 400 | 401, code: ErrorCode, message: string, ownerId: string, reason: string) => {
    // The summariser never throws: a record it could not write is reported through its onError.
    await refusals.refused({ clientAddress: clientAddressOf(reply.request), status, reason, details: { ownerId } });
    return reply.code(status).header('cache-control', 'no-store').send(refusalBody(code, message));
  };

  // Its own scope: the raw body is what is signed, so no parser may touch it first.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ALARM_BODY_LIMIT }, (_request, body, done) => done(null, body));
    scope.post('/community/alarm/:ownerId', async (request, reply) => {
      const rawOwner = (request.params as { ownerId?: string }).ownerId ?? '';
      // A hostile id is kept out of the trail: only a well-formed one is recorded.
      const ownerId = OWNER_ID.test(rawOwner) ? rawOwner : '(malformed)';
      if (ownerId === '(malformed)') return refuse(reply, 400, 'BAD_REQUEST', 'The owner id in the path is malformed', ownerId, 'malformed-owner');
      const timestamp = request.headers[ALARM_TIMESTAMP_HEADER];
      const signature = request.headers[ALARM_SIGNATURE_HEADER];
      const at = now().getTime();
      if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) {
        return refuse(reply, 401, 'UNAUTHENTICATED', `${ALARM_TIMESTAMP_HEADER} must be the time in whole Unix seconds`, ownerId, 'no-timestamp');
      }
      if (Math.abs(Number(timestamp) * 1000 - at) > ALARM_MAX_SKEW_SECONDS * 1000) {
        return refuse(reply, 401, 'UNAUTHENTICATED', `${ALARM_TIMESTAMP_HEADER} is more than ${ALARM_MAX_SKEW_SECONDS} s from the hub's clock`, ownerId, 'stale-timestamp');
      }
      if (typeof signature !== 'string' || !/^sha256=[0-9a-f]{64}$/i.test(signature)) {
        return refuse(reply, 401, 'UNAUTHENTICATED', `${ALARM_SIGNATURE_HEADER} must be sha256=<64 hex digits>`, ownerId, 'no-signature');
      }
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const secret = await secretOf(ownerId);
      // An unknown owner is answered as a wrong secret: the webhook tells no one which owners exist.
      const expected = Buffer.from(signAlarm(secret ?? '\u0000no-secret', timestamp, body).slice('sha256='.length), 'hex');
      const given = Buffer.from(signature.slice('sha256='.length).toLowerCase(), 'hex');
      if (secret === null || !timingSafeEqual(given, expected)) {
        return refuse(reply, 401, 'UNAUTHENTICATED', 'The signature does not match the owner\'s alarm secret', ownerId, secret === null ? 'unknown-owner' : 'bad-signature');
      }
      if (seen.has(signature.toLowerCase())) {
        return refuse(reply, 401, 'UNAUTHENTICATED', 'This signed request was already received', ownerId, 'replayed');
      }
      const active = parseAlarmBody(body);
      if (active === null) return refuse(reply, 400, 'BAD_REQUEST', 'The body must be JSON {"active": true} or {"active": false}', ownerId, 'bad-body');
      remember(signature.toLowerCase(), at);
      // No record, no operation: the alarm is on the trail before it opens anything.
      try {
        await audit.append({ kind: 'alarm', subject: ownerId, outcome: 'ok', details: { ownerId, active } });
      } catch {
        return reply.code(503).send(refusalBody('AUDIT_UNAVAILABLE', 'The audit record of the alarm could not be written, so it opened nothing'));
      }
      const { activeUntil } = await raise(ownerId, active);
      return reply.header('cache-control', 'no-store').send({ ok: true, active, activeUntil: activeUntil?.toISOString() ?? null });
    });
  });
}

/** `{"active": <boolean>}` and nothing else, or null. */
function parseAlarmBody(body: Buffer): boolean | null {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const keys = Object.keys(value);
  const { active } = value as { active?: unknown };
  return keys.length === 1 && typeof active === 'boolean' ? active : null;
}

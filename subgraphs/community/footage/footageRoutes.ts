import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type RefusalAuditor, createRefusalAuditor } from '../../../audit';
import type { ErrorCode } from '../../../errors/hubErrors';
import { RELAYED_CLIENT_ADDRESS_HEADER } from '../../../http/createPrefixRelay';
import type { NotificationPort } from '../../../notifications/notificationPort';
import { isOutboxNotifier } from '../../../notifications/createOutboxNotifier';
import { renderOutboxPage } from '../../../notifications/renderOutboxPage';
import type { CommunityAudit, LinkSigner } from '../communityPorts';
import { clientAddressOf, isLoopbackAddress } from '../clientAddressOf';
import { recordFootageStep } from './footageAudit';
import type { FootageRequestRecord, FootageStore } from './createFootageStore';

/** Media types a clip may be sent as (the design: video, stills, or bytes of no stated type). */
const CLIP_TYPE = /^(video|image)\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$|^application\/octet-stream$/;

export interface FootageRouteServices {
  readonly store: FootageStore;
  readonly audit: CommunityAudit;
  readonly links: LinkSigner;
  readonly notifier: NotificationPort;
  readonly now: () => Date;
  readonly maxClipBytes: number;
  /** Called with each request a stored clip fulfilled, for `footageRequestChanged`. */
  readonly published: (request: FootageRequestRecord) => void;
  /**
   * Audits refused uploads and downloads (kind `evidence`, outcome denied) per client address and
   * window: the first at once, the rest as one record with their count. Its owner closes it; when
   * none is given the routes make their own (default window) and close it with the server.
   */
  readonly refusals?: RefusalAuditor;
}

/** The services as the handlers use them: with the refusal summariser. */
type RouteServices = FootageRouteServices & { readonly refusals: RefusalAuditor };

/** The token of a link: the rest of the path (a signer refuses one with a `/` or too long). */
interface TokenParams {
  readonly '*': string;
}

/** A refusal as every public route answers it: `{ error: { code, message } }`. */
function refuse(reply: FastifyReply, status: number, code: ErrorCode, message: string) {
  return reply.code(status).header('cache-control', 'no-store').send({ error: { code, message } });
}

/** A refused step of the footage desk's routes, as its audit record names it: ids and sizes only. */
interface RefusedStep {
  readonly action: 'clip-upload-refused' | 'clip-download-refused';
  readonly status: number;
  readonly subject: string | null;
  readonly reason: string;
  readonly details: Readonly<Record<string, string | number>>;
}

/**
 * Audits a refusal through the summariser (a flood of bad links is a few records); a refusal does
 * nothing, so an audit failure does not change the answer (the summariser reports it and resolves).
 */
function auditRefusal(refusals: RefusalAuditor, request: FastifyRequest, step: RefusedStep): Promise<void> {
  const { action, status, subject, reason, details } = step;
  // Counted apart by action: a count record names one door.
  return refusals.refused({ clientAddress: clientAddressOf(request), group: action, status, subject, reason, details: { action, ...details } });
}

/**
 * The footage desk's public routes: `PUT /community/upload/:token` (an owner's clip),
 * `GET /community/download/:token` (an operator's download) and the development outbox
 * (`/community/outbox`, `/community/outbox.json`, loopback callers only). Registered in a scope
 * of their own: the upload's body parser (none: the handler streams the body) stays here.
 */
export async function registerFootageRoutes(app: FastifyInstance, given: FootageRouteServices): Promise<void> {
  let refusals = given.refusals;
  if (!refusals) {
    const own = createRefusalAuditor({
      append: (record) => given.audit.append(record),
      kind: 'evidence',
      now: given.now,
      onError: (error) => app.log.error({ err: error }, 'the audit record of refused footage uploads or downloads could not be written'),
    });
    app.addHook('onClose', () => own.close());
    refusals = own;
  }
  const services: RouteServices = { ...given, refusals };
  await app.register(async (scope) => {
    // The handler reads the body itself, hashing and counting as it streams.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    // Wildcards, not `:token`: tokens are longer than find-my-way's 100-character limit on parameters (414).
    scope.put<{ Params: TokenParams }>('/community/upload/*', (request, reply) => upload(services, request, reply));
    // No HEAD twins: a HEAD would be audited as a download that sent nothing.
    scope.get<{ Params: TokenParams }>('/community/download/*', { exposeHeadRoute: false }, (request, reply) => download(services, request, reply));
    scope.get('/community/outbox.json', { exposeHeadRoute: false }, (request, reply) => outbox(services.notifier, request, reply, 'json'));
    scope.get('/community/outbox', { exposeHeadRoute: false }, (request, reply) => outbox(services.notifier, request, reply, 'html'));
  });
}

async function upload(services: RouteServices, request: FastifyRequest<{ Params: TokenParams }>, reply: FastifyReply) {
  const { store, audit, links, now, maxClipBytes, refusals } = services;
  const refused = async (status: number, code: ErrorCode, message: string, details: RefusedStep['details'], subject: string | null) => {
    await auditRefusal(refusals, request, { action: 'clip-upload-refused', status, subject, reason: message, details });
    // The rest of a refused body is not read: the connection closes after the answer.
    reply.header('connection', 'close');
    return refuse(reply, status, code, message);
  };
  const verified = links.verify('upload', request.params['*']);
  if (!verified.ok) return refused(403, 'LINK_REFUSED', `Upload link refused: ${verified.reason}`, {}, null);
  const { requestId = '', ownerId = '' } = verified.claims;
  const ids = { requestId, ownerId };
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!CLIP_TYPE.test(contentType)) {
    return refused(415, 'BAD_REQUEST', 'A clip is sent as video/*, image/* or application/octet-stream', ids, ownerId);
  }
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxClipBytes) {
    return refused(413, 'CLIP_TOO_LARGE', `The clip is larger than ${maxClipBytes} bytes (COMMUNITY_FOOTAGE_MAX_BYTES)`, { ...ids, declaredBytes: declared }, ownerId);
  }
  const [footageRequest] = await store.requestsByIds([requestId]);
  const at = now();
  if (!footageRequest || footageRequest.ownerId !== ownerId) return refused(403, 'LINK_REFUSED', 'Upload link refused: it names no request of this owner', ids, ownerId);
  if ((footageRequest.status !== 'APPROVED' && footageRequest.status !== 'FULFILLED') || footageRequest.expiresAt.getTime() <= at.getTime()) {
    return refused(409, 'FOOTAGE_REQUEST_CLOSED', `The request takes no clip: it is ${footageRequest.expiresAt.getTime() <= at.getTime() ? 'EXPIRED' : footageRequest.status}`, ids, ownerId);
  }

  const body = await readClip(request.raw, maxClipBytes);
  if (body.kind === 'too-large') {
    return refused(413, 'CLIP_TOO_LARGE', `The clip is larger than ${maxClipBytes} bytes (COMMUNITY_FOOTAGE_MAX_BYTES); nothing was stored`, { ...ids, readBytes: body.readBytes }, ownerId);
  }
  if (body.kind === 'failed') return refused(400, 'BAD_REQUEST', 'The clip did not arrive whole', ids, ownerId);
  if (body.bytes.length === 0) return refused(400, 'BAD_REQUEST', 'The clip is empty', ids, ownerId);

  const existing = await store.clip(requestId, body.sha256);
  const clipAnswer = (record: { sha256: string; sizeBytes: number; contentType: string; uploadedAt: Date }, status: string) => ({
    requestId,
    sha256: record.sha256,
    sizeBytes: record.sizeBytes,
    contentType: record.contentType,
    uploadedAt: record.uploadedAt.toISOString(),
    status,
  });
  // The same bytes again (a retried upload): stored already, nothing new to record.
  if (existing) return reply.code(200).header('x-content-sha256', existing.sha256).send(clipAnswer(existing, footageRequest.status));

  const clip = { requestId, sha256: body.sha256, sizeBytes: body.bytes.length, contentType, uploadedBy: ownerId, uploadedAt: at };
  try {
    // Chain of custody: the record is written before the clip exists for anyone.
    await recordFootageStep(audit, {
      kind: 'evidence',
      action: 'clip-stored',
      outcome: 'ok',
      subject: ownerId,
      recordIds: [`FootageRequest:${requestId}`],
      details: { requestId, cameraId: footageRequest.cameraId, ownerId, sha256: body.sha256, sizeBytes: body.bytes.length, contentType },
    });
  } catch {
    return refuse(reply, 503, 'AUDIT_UNAVAILABLE', 'The audit record of the upload could not be written, so the clip was not stored; send it again');
  }
  const stored = await store.storeClip(clip, body.bytes, at);
  if (!stored) return refused(409, 'FOOTAGE_REQUEST_CLOSED', 'The request stopped taking clips while this one arrived (expired)', ids, ownerId);
  services.published(stored.request);
  return reply.code(201).header('x-content-sha256', body.sha256).send(clipAnswer(clip, stored.request.status));
}

async function download(services: RouteServices, request: FastifyRequest<{ Params: TokenParams }>, reply: FastifyReply) {
  const { store, audit, links, refusals } = services;
  const verified = links.verify('download', request.params['*']);
  if (!verified.ok) {
    await auditRefusal(refusals, request, { action: 'clip-download-refused', status: 403, subject: null, reason: verified.reason, details: {} });
    return refuse(reply, 403, 'LINK_REFUSED', `Download link refused: ${verified.reason}`);
  }
  const { requestId = '', sha256 = '', subject = '' } = verified.claims;
  const clip = await store.clip(requestId, sha256);
  const bytes = clip ? await store.clipBytes(sha256) : null;
  if (!clip || !bytes) {
    await auditRefusal(refusals, request, { action: 'clip-download-refused', status: 404, subject, reason: 'no such clip', details: { requestId, sha256 } });
    return refuse(reply, 404, 'LINK_REFUSED', 'Download link refused: the clip it names is not held (purged)');
  }
  try {
    await recordFootageStep(audit, {
      kind: 'evidence',
      action: 'clip-downloaded',
      outcome: 'ok',
      subject,
      recordIds: [`FootageRequest:${requestId}`],
      details: { requestId, sha256, sizeBytes: clip.sizeBytes },
    });
  } catch {
    return refuse(reply, 503, 'AUDIT_UNAVAILABLE', 'The audit record of the download could not be written, so nothing is sent');
  }
  const extension = /^video\/mp4$/.test(clip.contentType) ? 'mp4' : clip.contentType.startsWith('image/jpeg') ? 'jpg' : 'bin';
  return reply
    .code(200)
    .header('content-type', clip.contentType)
    .header('content-length', String(bytes.length))
    .header('x-content-sha256', sha256)
    .header('content-disposition', `attachment; filename="${sha256}.${extension}"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(bytes);
}

async function outbox(notifier: NotificationPort, request: FastifyRequest, reply: FastifyReply, as: 'json' | 'html') {
  if (!isOutboxNotifier(notifier)) return refuse(reply, 404, 'BAD_REQUEST', 'No outbox: COMMUNITY_NOTIFIER is not outbox');
  if (!isLoopbackCaller(request)) return refuse(reply, 403, 'FORBIDDEN', 'The outbox answers callers on this machine only');
  const messages = await notifier.list(200);
  reply.header('cache-control', 'no-store');
  if (as === 'json') return reply.send({ messages: messages.map((m) => ({ ...m, queuedAt: m.queuedAt.toISOString() })) });
  return reply
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
    .send(renderOutboxPage(messages));
}

/**
 * Whether the caller is on this machine: the peer is loopback, and so are the client the hub's
 * relay served (RELAYED_CLIENT_ADDRESS_HEADER, which the relay always sets) and every hop named
 * in `x-forwarded-for` (a reverse proxy in front of the hub appends the client it serves).
 */
export function isLoopbackCaller(request: FastifyRequest): boolean {
  const hops = [request.raw.socket.remoteAddress ?? ''];
  for (const name of [RELAYED_CLIENT_ADDRESS_HEADER, 'x-forwarded-for']) {
    const value = request.headers[name];
    for (const header of Array.isArray(value) ? value : value === undefined ? [] : [value]) hops.push(...header.split(',').map((hop) => hop.trim()));
  }
  return hops.every(isLoopbackAddress);
}

type ReadClip =
  | { readonly kind: 'read'; readonly bytes: Buffer; readonly sha256: string }
  | { readonly kind: 'too-large'; readonly readBytes: number }
  | { readonly kind: 'failed' };

/** Reads a body of at most `maxBytes`, hashing it as it comes; stops reading at the first byte too many. */
function readClip(stream: IncomingMessage, maxBytes: number): Promise<ReadClip> {
  return new Promise((resolve) => {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: ReadClip) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('aborted', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        stream.pause();
        finish({ kind: 'too-large', readBytes: size });
        return;
      }
      hash.update(chunk);
      chunks.push(chunk);
    };
    const onEnd = () => finish({ kind: 'read', bytes: Buffer.concat(chunks, size), sha256: hash.digest('hex') });
    const onError = () => finish({ kind: 'failed' });
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('aborted', onError);
  });
}

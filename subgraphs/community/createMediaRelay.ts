import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { type ClientRequest, type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RefusalAuditor } from '../../audit';
import type { ErrorCode } from '../../errors/hubErrors';
import type { AccessRegistry } from './createAccessRegistry';
import { refusalBody } from './refusalBody';
import type { CommunityAudit, LinkSigner } from './communityPorts';
import { isPrivateAddress } from './isPrivateAddress';
import { clientAddressOf } from './clientAddressOf';

/** What the relay needs to know of a camera at the moment a link is used (and while it streams). */
export interface MediaSource {
  /** Whether the terms allow live access now. */
  readonly liveNow: boolean;
  /** The registration's link epoch: links signed under an earlier one refuse. */
  readonly linkEpoch: number;
  readonly streamUrls: readonly string[];
  readonly snapshotUrl: string | null;
}

export interface MediaRelayOptions {
  readonly links: LinkSigner;
  readonly audit: CommunityAudit;
  /**
   * Audits refused links (kind `media-link`, outcome denied), per client address and window: the
   * first at once, the rest as one record with their count. A flood of bad links is not a flood of records.
   */
  readonly refusals: RefusalAuditor;
  readonly registry: AccessRegistry;
  /** The camera's source now; null when it is unknown or erased. */
  readonly sourceOf: (cameraId: string) => Promise<MediaSource | null>;
  readonly allowPrivateAddresses: boolean;
  /** How long the owner's camera has to answer with headers. */
  readonly upstreamTimeoutMs: number;
  /** How often an open relay re-reads the terms, ms (a withdrawal cuts it at once; a schedule's end within this). */
  readonly recheckMs?: number;
}

/** Most relays one process runs at once: each holds two sockets. */
export const MAX_OPEN_RELAYS = 200;
/** A relayed stream that sends nothing for this long is ended. */
const IDLE_UPSTREAM_MS = 30_000;
const SAFE_CONTENT_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(\s*;\s*[a-z0-9_-]+=("[^"\r\n]*"|[a-z0-9!#$&^_.+-]+))*$/i;

/**
 * `GET /community/media/<token>`: checks the link (signature, expiry, kind), then the camera's
 * terms at the moment of use (and the link's epoch), writes the audit record, and only then
 * fetches the owner's stream or still and pipes it through with its content type. An open relay
 * re-reads the terms every `recheckMs` and is cut when sharing ends; a withdrawal cuts it at once
 * through the registry. The owner's URL is never shown, and a URL that resolves to a private
 * address is refused unless `allowPrivateAddresses`. A refused link (403) is audited through
 * `refusals`, per client address and window; a failure with a good link (502, 503) one record each.
 */
export function registerMediaRelay(app: FastifyInstance, options: MediaRelayOptions): void {
  const { links, audit, refusals, registry, sourceOf, allowPrivateAddresses, upstreamTimeoutMs, recheckMs = 250 } = options;
  // Open relays of one camera share their re-reads: one look per camera and interval, however many viewers.
  // (A link's first use always reads afresh; a withdrawal cuts through the registry without waiting.)
  const rechecks = new Map<string, { readonly at: number; readonly source: Promise<MediaSource | null> }>();
  const recheckSource = (cameraId: string) => {
    const at = Date.now();
    const hit = rechecks.get(cameraId);
    if (hit && at - hit.at < recheckMs) return hit.source;
    if (rechecks.size > 1000) for (const [key, entry] of rechecks) if (at - entry.at >= recheckMs) rechecks.delete(key);
    const source = sourceOf(cameraId);
    rechecks.set(cameraId, { at, source });
    return source;
  };

  const refuse = async (reply: FastifyReply, status: number, code: ErrorCode, message: string, record: { subject: string | null; reason: string; details: Record<string, string | number> }) => {
    const recordIds = typeof record.details.cameraId === 'string' && record.details.cameraId !== '' ? [`Camera:${record.details.cameraId}`] : [];
    try {
      if (status < 500) {
        // A refusal (the link's fault): summarised per client address, so that a flood is a few records.
        await refusals.refused({ clientAddress: clientAddressOf(reply.request), status, reason: record.reason, subject: record.subject, recordIds, details: record.details });
      } else {
        // The hub's or the camera's failure with a good link: one record each (as many as good links).
        await audit.append({ kind: 'media-link', subject: record.subject, outcome: 'error', reason: record.reason, recordIds, details: record.details });
      }
    } catch (error) {
      // A refusal does nothing, so it is answered even when its record cannot be written.
      app.log.error({ err: error }, 'the audit record of a refused media link could not be written');
    }
    return reply.code(status).header('cache-control', 'no-store').send(refusalBody(code, message));
  };

  // A wildcard, not a parameter: tokens are longer than the router's parameter limit.
  app.get('/community/media/*', async (request, reply) => {
    const token = (request.params as { '*'?: string })['*'] ?? '';
    const verified = links.verify('media', token);
    if (!verified.ok) {
      return refuse(reply, 403, 'LINK_REFUSED', `The link is refused: ${verified.reason}`, { subject: null, reason: verified.reason, details: {} });
    }
    const { cam: cameraId = '', w: what = '', sub: subject = '', ep: epoch = '', id: linkId = '' } = verified.claims;
    const details = { cameraId, what, linkId };
    const source = await sourceOf(cameraId);
    if (!source) return refuse(reply, 403, 'LINK_REFUSED', 'The link is refused: the camera is no longer in the program', { subject, reason: 'camera-gone', details });
    if (String(source.linkEpoch) !== epoch) {
      return refuse(reply, 403, 'LINK_REFUSED', 'The link is refused: the owner changed or withdrew sharing since it was issued', { subject, reason: 'revoked', details });
    }
    if (!source.liveNow) return refuse(reply, 403, 'LINK_REFUSED', 'The link is refused: the owner\'s terms do not share live video now', { subject, reason: 'not-live', details });
    const upstream = what === 'snap' ? source.snapshotUrl : source.streamUrls[Number(/^s(\d{1,2})$/.exec(what)?.[1] ?? NaN)];
    if (!upstream) return refuse(reply, 403, 'LINK_REFUSED', 'The link is refused: it names no stream of this camera', { subject, reason: 'no-such-stream', details });
    if (registry.openRelays >= MAX_OPEN_RELAYS) {
      return refuse(reply, 503, 'CAMERA_UNAVAILABLE', 'The hub relays as many streams as it may; try again shortly', { subject, reason: 'relay-limit', details });
    }
    // No record, no operation: the use is on the trail before the owner's camera is contacted.
    try {
      await audit.append({ kind: 'media-link', subject, outcome: 'ok', recordIds: [`Camera:${cameraId}`], details });
    } catch {
      return reply.code(503).send(refusalBody('AUDIT_UNAVAILABLE', 'The audit record of the link\'s use could not be written, so nothing was relayed'));
    }
    let response: { request: ClientRequest; response: IncomingMessage };
    try {
      response = await fetchUpstream(upstream, allowPrivateAddresses, upstreamTimeoutMs);
    } catch (error) {
      const reason = error instanceof RelayRefusal ? error.reason : 'unreachable';
      return refuse(reply, 502, 'CAMERA_UNAVAILABLE', `The owner's camera could not be relayed (${reason})`, { subject, reason, details });
    }
    const { request: upstreamRequest, response: upstreamResponse } = response;
    const contentType = upstreamResponse.headers['content-type'];
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': typeof contentType === 'string' && SAFE_CONTENT_TYPE.test(contentType) ? contentType : 'application/octet-stream',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      clearInterval(recheck);
      handle.close();
      upstreamRequest.destroy();
      upstreamResponse.destroy();
    };
    const cut = () => {
      finish();
      raw.destroy();
    };
    const handle = registry.openRelay(cameraId, linkId, cut);
    const recheck = setInterval(() => {
      recheckSource(cameraId).then(
        (now) => {
          if (!now || !now.liveNow || String(now.linkEpoch) !== epoch) cut();
        },
        () => cut(),
      );
    }, recheckMs);
    recheck.unref();
    upstreamResponse.setTimeout(IDLE_UPSTREAM_MS, cut);
    upstreamResponse.on('error', cut);
    raw.on('close', finish);
    upstreamResponse.on('end', () => {
      finish();
      raw.end();
    });
    upstreamResponse.pipe(raw, { end: false });
    return reply;
  });
}

/** Why the relay would not fetch an owner's URL. */
class RelayRefusal extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** GETs `url` (no redirects followed: a redirect could lead anywhere), refusing private addresses unless allowed; resolves at the response headers. */
function fetchUpstream(url: string, allowPrivate: boolean, timeoutMs: number): Promise<{ request: ClientRequest; response: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    if (!allowPrivate && isIP(target.hostname.replace(/^\[|\]$/g, '')) && isPrivateAddress(target.hostname)) {
      reject(new RelayRefusal('private-address'));
      return;
    }
    const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
      dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
        if (error) return callback(error, '', 4);
        const allowed = allowPrivate ? addresses : addresses.filter((address) => !isPrivateAddress(address.address));
        if (allowed.length === 0 || allowed.length !== addresses.length) return callback(new RelayRefusal('private-address'), '', 4);
        if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
        const [first] = allowed as [LookupAddress];
        return callback(null, first.address, first.family);
      });
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstream = send(target, { method: 'GET', lookup, headers: { accept: '*/*', 'user-agent': 'rtcc-hub-community-relay' } });
    const timer = setTimeout(() => upstream.destroy(new RelayRefusal('timeout')), timeoutMs);
    upstream.on('response', (response) => {
      clearTimeout(timer);
      const status = response.statusCode ?? 0;
      if (status !== 200) {
        response.resume();
        upstream.destroy();
        reject(new RelayRefusal(`status ${status}`));
        return;
      }
      resolve({ request: upstream, response });
    });
    upstream.on('error', (error) => {
      clearTimeout(timer);
      reject(error instanceof RelayRefusal ? error : error.cause instanceof RelayRefusal ? error.cause : new RelayRefusal('unreachable'));
    });
    upstream.end();
  });
}

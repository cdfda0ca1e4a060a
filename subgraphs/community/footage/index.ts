import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import DataLoader from 'dataloader';
import type { FastifyInstance } from 'fastify';
import type { RefusalAuditor } from '../../../audit';
import { SCOPES } from '../../../auth/roles';
import { parseArea } from '../../../geo/area';
import { HubError, badUserInput } from '../../../errors/hubErrors';
import type { Migration } from '../../../storage/createDatabase';
import type { Database } from '../../../storage/createDatabase';
import type { RetentionParticipant } from '../../../retention/retentionParticipant';
import type { NotificationPort } from '../../../notifications/notificationPort';
import { createChangeFeed } from '../../createChangeFeed';
import { callerOf } from '../../rowScope';
import type { CommunityAudit, LinkSigner, ProgramCamera, ProgramDirectory, ProgramOwnerContact } from '../communityPorts';
import {
  FOOTAGE_REQUEST_STATUSES,
  type FootageClipRecord,
  type FootageRequestRecord,
  type FootageRequestStatus,
  createFootageStore,
} from './createFootageStore';
import { recordFootageStep } from './footageAudit';
import { footageMigrations } from './footageMigrations';
import { registerFootageRoutes } from './footageRoutes';
import { summarizeProgram } from './summarizeProgram';
import { checkNote, validateFootageRequest } from './validateFootageRequest';

export { footageMigrations } from './footageMigrations';
export type { FootageClipRecord, FootageRequestRecord, FootageRequestStatus } from './createFootageStore';

/** The scopes the desk checks rows and fields against (the gateway enforces the schema's; these are its own row rules). */
const FOOTAGE_REQUEST_SCOPE = SCOPES.footageRequest;
const COMMUNITY_REVIEW_SCOPE = SCOPES.communityReview;

/** A failed notification is retried at most this often, each time after twice the wait (from 10 s, at most an hour). */
const MAX_NOTIFY_ATTEMPTS = 12;
const FIRST_RETRY_MS = 10_000;
const LONGEST_RETRY_MS = 3_600_000;
/** A send that has not finished in this long counts as failed (retried later); the lease outlasts it, so no sweep sends twice meanwhile. */
const SEND_TIMEOUT_MS = 30_000;
const SEND_LEASE_MS = 60_000;

/** The footage desk's settings (COMMUNITY_FOOTAGE_*). */
export interface FootageSettings {
  /** Longest window one request may ask, minutes (COMMUNITY_FOOTAGE_MAX_WINDOW_MINUTES). */
  readonly maxWindowMinutes: number;
  /** Hours a request waits for its owner before it expires (COMMUNITY_FOOTAGE_REQUEST_TTL_HOURS). */
  readonly requestTtlHours: number;
  /** Largest clip, bytes (COMMUNITY_FOOTAGE_MAX_BYTES). */
  readonly maxClipBytes: number;
  /** Lifetime of upload and download links, seconds (COMMUNITY_FOOTAGE_LINK_TTL_SECONDS). */
  readonly linkTtlSeconds: number;
  /** How far back a window may start, days (COMMUNITY_FOOTAGE_MAX_AGE_DAYS); default 30. */
  readonly maxAgeDays?: number;
  /** Time zone the owner's message states times in (AGENCY_TIME_ZONE); default UTC. */
  readonly timeZone?: string;
  /** Where owners answer, named in the message (`<HUB_PUBLIC_URL>/connect/`); default `/connect/`. */
  readonly ownerPageUrl?: string;
}

export interface FootageDeskDependencies {
  readonly db: Database;
  readonly now: () => Date;
  readonly directory: ProgramDirectory;
  readonly notifier: NotificationPort;
  readonly audit: CommunityAudit;
  readonly links: LinkSigner;
  readonly settings: FootageSettings;
  /** Randomness of request ids; injected for tests. */
  readonly randomBytes?: (size: number) => Buffer;
  /** Audits refused uploads and downloads per client address and window (kind `evidence`); its owner closes it. Default: the routes' own. */
  readonly refusals?: RefusalAuditor;
}

/** The footage desk, for the community subgraph to merge (see createCommunitySubgraph). */
export interface FootageDesk {
  readonly migrations: readonly Migration[];
  /** Resolvers of the SDL's footage blocks: merge into the subgraph's map. */
  readonly resolvers: ReturnType<typeof createFootageResolvers>;
  /** Registers `PUT /community/upload/:token`, `GET /community/download/:token` and the outbox pages. */
  publicRoutes(app: FastifyInstance): Promise<void>;
  /** An owner erased their data: their waiting requests expire, their notes go, the notifier forgets them. Clips stay (evidence). */
  eraseOwner(ownerId: string): Promise<void>;
  /**
   * Expires requests whose time ran out (resolves once they are), and starts a round of retries of
   * failed notifications in the background; the program desk's access sweep calls it.
   */
  sweep(): Promise<void>;
  /** Resolves once the sweep and the notification retries under way are done (tests; orderly shutdown). */
  settle(): Promise<void>;
  /** Waits for a sweep and notification retries under way. */
  close(): Promise<void>;
  readonly retention: RetentionParticipant;
  /** How many footageRequestChanged subscriptions are open. */
  activeSubscriptions(): number;
}

/** Who sees which requests: undefined, all (police, and the gateway's caller-less fetches); else that owner's; null, none. */
function ownerFilterOf(ctx: unknown): string | null | undefined {
  const caller = callerOf(ctx);
  if (caller === null || caller.scopes.includes(FOOTAGE_REQUEST_SCOPE)) return undefined;
  return caller.cameraOwner ?? null;
}

const isPolice = (ctx: unknown) => ownerFilterOf(ctx) === undefined;
const isVisibleTo = (filter: string | null | undefined, request: FootageRequestRecord) => filter === undefined || (filter !== null && request.ownerId === filter);

/**
 * The community subgraph's footage desk: operators ask owners for footage of a window, for a
 * case; owners are notified, answer, upload a clip through a signed link; the clip is stored by
 * its SHA-256 and downloaded through another, audited. Every step is an audit record, written
 * before the step takes effect; details carry ids and sizes only.
 */
export function createFootageDesk(deps: FootageDeskDependencies): FootageDesk {
  const { db, now, directory, notifier, audit, links, settings, randomBytes = cryptoRandomBytes } = deps;
  const store = createFootageStore(db);
  const changes = createChangeFeed<FootageRequestRecord>();
  const clipLoaders = new WeakMap<object, DataLoader<string, FootageClipRecord[]>>();
  const clipsOf = (ctx: unknown, requestId: string) => {
    const key = typeof ctx === 'object' && ctx !== null ? ctx : clipLoaders;
    let loader = clipLoaders.get(key);
    if (!loader) {
      loader = new DataLoader((ids: readonly string[]) => store.clipsOf(ids));
      clipLoaders.set(key, loader);
    }
    return loader.load(requestId);
  };
  const newRequestId = () => `fr-${base32(randomBytes(10))}`;

  const notify = async (request: FootageRequestRecord): Promise<void> => {
    const at = now();
    // One sender per request: the mutation's own send and the sweeps (of every replica) never overlap.
    if (!(await store.claimNotification(request.id, at, new Date(at.getTime() + SEND_LEASE_MS)))) return;
    const ids = { requestId: request.id, cameraId: request.cameraId, ownerId: request.ownerId };
    const [camera, contact] = await Promise.all([directory.cameraOf(request.cameraId), directory.contactOf(request.ownerId)]);
    const to = contact ? addressOf(contact) : null;
    if (!contact || !to) {
      // Nothing to send: the owner sees the request on their page. Recorded, and not retried.
      await recordFootageStep(audit, { kind: 'notification', action: 'notification-skipped', outcome: 'ok', subject: null, reason: 'the owner chose no channel, or gave no address for it', recordIds: [`FootageRequest:${request.id}`], details: ids });
      await store.recordNotification(request.id, { sentAt: at });
      return;
    }
    const retry = () => store.recordNotification(request.id, { retryAfter: new Date(at.getTime() + Math.min(FIRST_RETRY_MS * 2 ** request.notifyAttempts, LONGEST_RETRY_MS)) });
    try {
      // No record, no message: the record of the send is written before anything leaves.
      await recordFootageStep(audit, { kind: 'notification', action: 'notification-sent', outcome: 'ok', subject: null, recordIds: [`FootageRequest:${request.id}`], details: { ...ids, channel: to.channel, attempt: request.notifyAttempts + 1 } });
    } catch {
      await retry();
      return;
    }
    try {
      await withTimeout(
        notifier.send({ ownerId: request.ownerId, channel: to.channel, to: to.address, topic: `footage-request:${request.id}`, ...messageOf(request, camera, settings) }),
        SEND_TIMEOUT_MS,
      );
      await store.recordNotification(request.id, { sentAt: at });
    } catch (error) {
      await retry();
      // The reason names the failure's kind only: a transport's message may quote the address.
      const reason = error instanceof Error && (error.name === 'NotificationRefusedError' || error.name === 'NotificationTimeoutError') ? error.message : `the notifier refused: ${error instanceof Error ? error.name : 'unknown error'}`;
      await recordFootageStep(audit, { kind: 'notification', action: 'notification-failed', outcome: 'error', subject: null, reason, recordIds: [`FootageRequest:${request.id}`], details: { ...ids, channel: to.channel, attempt: request.notifyAttempts + 1 } }).catch(() => undefined);
    }
  };

  const publish = (request: FootageRequestRecord) => changes.publish(request);

  const expire = async (due: readonly FootageRequestRecord[], reason: string): Promise<void> => {
    if (due.length === 0) return;
    await recordFootageStep(audit, {
      kind: 'evidence',
      action: 'footage-expired',
      outcome: 'ok',
      subject: null,
      reason,
      recordIds: due.map((request) => `FootageRequest:${request.id}`),
      details: { requestIds: due.map((r) => r.id), cameraIds: [...new Set(due.map((r) => r.cameraId))], ownerIds: [...new Set(due.map((r) => r.ownerId))] },
    });
    for (const request of await store.expire(due.map((r) => r.id))) publish(request);
  };

  let sweeping: Promise<void> | null = null;
  let retrying: Promise<void> | null = null;
  /** One round of retries at a time, in the background: a slow relay must not hold the access sweep that calls this desk's. */
  const retryNotifications = (at: Date) => {
    retrying ??= store
      .awaitingNotification(at, MAX_NOTIFY_ATTEMPTS)
      .then((due) => Promise.all(due.map((request) => notify(request).catch(() => undefined))))
      .then(() => undefined)
      .catch(() => undefined)
      .finally(() => {
        retrying = null;
      });
  };
  const sweepOnce = async () => {
    const at = now();
    await expire(await store.dueForExpiry(at), 'not answered or fulfilled before it expired');
    retryNotifications(at);
  };

  const resolvers = createFootageResolvers({
    store,
    changes,
    now,
    directory,
    audit,
    links,
    settings,
    clipsOf,
    newRequestId,
    publish,
    notify,
  });

  return {
    migrations: footageMigrations,
    resolvers,
    publicRoutes: (app) =>
      registerFootageRoutes(app, { store, audit, links, notifier, now, maxClipBytes: settings.maxClipBytes, published: publish, ...(deps.refusals ? { refusals: deps.refusals } : {}) }),
    async eraseOwner(ownerId) {
      await expire(await store.waitingOf(ownerId), 'the owner erased their registration');
      await store.clearNotesOf(ownerId);
      await notifier.eraseOwner(ownerId);
    },
    sweep() {
      // One sweep at a time: a timer that fires while one runs joins it.
      sweeping ??= sweepOnce().finally(() => {
        sweeping = null;
      });
      return sweeping;
    },
    settle: async () => {
      await sweeping?.catch(() => undefined);
      await retrying;
    },
    async close() {
      await sweeping?.catch(() => undefined);
      await retrying;
    },
    retention: store.retention,
    activeSubscriptions: () => changes.subscriberCount,
  };
}

interface ResolverServices {
  readonly store: ReturnType<typeof createFootageStore>;
  readonly changes: ReturnType<typeof createChangeFeed<FootageRequestRecord>>;
  readonly now: () => Date;
  readonly directory: ProgramDirectory;
  readonly audit: CommunityAudit;
  readonly links: LinkSigner;
  readonly settings: FootageSettings;
  readonly clipsOf: (ctx: unknown, requestId: string) => Promise<FootageClipRecord[]>;
  readonly newRequestId: () => string;
  readonly publish: (request: FootageRequestRecord) => void;
  readonly notify: (request: FootageRequestRecord) => Promise<void>;
}

interface FootageRequestsArgs {
  filter?: { status?: FootageRequestStatus[] | null; cameraId?: string | null } | null;
  first: number;
  after?: string | null;
}

function createFootageResolvers(services: ResolverServices) {
  const { store, changes, now, directory, audit, links, settings, clipsOf, newRequestId, publish, notify } = services;
  const linkTtlMs = settings.linkTtlSeconds * 1000;

  const visibleRequest = async (ctx: unknown, id: string) => {
    const [request] = await store.requestsByIds([id]);
    return request && isVisibleTo(ownerFilterOf(ctx), request) ? request : null;
  };

  /** The owner's own request, or BAD_USER_INPUT that names no other's (whether it exists is not told). */
  const ownRequest = async (ctx: unknown, id: string, argument: string) => {
    const owner = callerOf(ctx)?.cameraOwner ?? null;
    const [request] = typeof id === 'string' && id.length <= 200 ? await store.requestsByIds([id]) : [null];
    if (owner === null || !request || request.ownerId !== owner) throw badUserInput(argument, 'names no footage request for one of your cameras');
    return { owner, request, subject: callerOf(ctx)?.subject ?? owner };
  };

  const closed = (request: FootageRequestRecord, at: Date, wanted: string) => {
    const status = request.expiresAt.getTime() <= at.getTime() && (request.status === 'OPEN' || request.status === 'APPROVED') ? 'EXPIRED' : request.status;
    return new HubError('FOOTAGE_REQUEST_CLOSED', `Footage request ${request.id} is ${status}: ${wanted}`, { requestId: request.id, status });
  };

  return {
    Query: {
      footageRequests: (_: unknown, args: FootageRequestsArgs, ctx: unknown) =>
        store.listRequests({
          ownerId: ownerFilterOf(ctx),
          status: args.filter?.status?.filter((s) => (FOOTAGE_REQUEST_STATUSES as readonly string[]).includes(s)) ?? null,
          cameraId: args.filter?.cameraId ?? null,
          first: args.first ?? 50,
          after: args.after,
        }),
      footageRequest: (_: unknown, { id }: { id: string }, ctx: unknown) => visibleRequest(ctx, id),
      communityProgram: async (_: unknown, args: { area?: unknown; since?: Date | string | null }, ctx: unknown) => {
        const caller = callerOf(ctx);
        if (caller !== null && !caller.scopes.includes(COMMUNITY_REVIEW_SCOPE)) throw new HubError('FORBIDDEN', 'communityProgram is for police staff who review the program', { coordinate: 'Query.communityProgram' });
        const area = args.area == null ? null : parseArea(args.area);
        const since = args.since == null ? new Date(now().getTime() - 30 * 86_400_000) : new Date(args.since);
        if (!Number.isFinite(since.getTime())) throw badUserInput('since', 'must be an ISO 8601 instant');
        const [cameras, requests] = await Promise.all([directory.programCameras(), store.requestsSince(since)]);
        return summarizeProgram(cameras, requests, area);
      },
    },
    Mutation: {
      requestFootage: async (_: unknown, { input }: { input: unknown }, ctx: unknown) => {
        const caller = callerOf(ctx);
        if (caller === null || !caller.scopes.includes(FOOTAGE_REQUEST_SCOPE)) throw new HubError('FORBIDDEN', 'requestFootage is for police users with footage:request', { coordinate: 'Mutation.requestFootage' });
        const purpose = caller.purpose?.trim() ?? '';
        if (purpose === '') throw new HubError('PURPOSE_REQUIRED', 'A footage request is made for a case: state its case or incident number in the X-Purpose header');
        const at = now();
        const checked = validateFootageRequest(input, at, { maxWindowMinutes: settings.maxWindowMinutes, maxAgeDays: settings.maxAgeDays ?? 30 });
        const cameras = await Promise.all(checked.cameraIds.map((id) => directory.cameraOf(id)));
        const missing = checked.cameraIds.find((_id, i) => !isRequestable(cameras[i] ?? null));
        if (missing !== undefined) throw badUserInput('input.cameraIds', `names ${JSON.stringify(missing)}, which is no community camera footage may be requested from`);
        const expiresAt = new Date(at.getTime() + settings.requestTtlHours * 3_600_000);
        const records: FootageRequestRecord[] = (cameras as ProgramCamera[]).map((camera) => ({
          id: newRequestId(),
          cameraId: camera.cameraId,
          ownerId: camera.ownerId,
          from: checked.from,
          to: checked.to,
          message: checked.message,
          caseNumber: purpose,
          requestedBy: caller.subject,
          status: 'OPEN',
          requestedAt: at,
          expiresAt,
          answeredAt: null,
          answerNote: null,
          notifiedAt: null,
          notifyAttempts: 0,
          notifyAfter: null,
        }));
        await recordFootageStep(audit, {
          kind: 'evidence',
          action: 'footage-requested',
          outcome: 'ok',
          subject: caller.subject,
          purpose,
          recordIds: records.map((r) => `FootageRequest:${r.id}`),
          details: {
            requestIds: records.map((r) => r.id),
            cameraIds: records.map((r) => r.cameraId),
            ownerIds: [...new Set(records.map((r) => r.ownerId))],
            from: checked.from.toISOString(),
            to: checked.to.toISOString(),
            expiresAt: expiresAt.toISOString(),
          },
        });
        await store.insertRequests(records);
        for (const record of records) publish(record);
        // A notifier that refuses leaves the request OPEN; the failure is recorded and the sweep retries.
        await Promise.all(records.map((record) => notify(record).catch(() => undefined)));
        return (await store.requestsByIds(records.map((r) => r.id))).map((r, i) => r ?? records[i]);
      },
      answerFootageRequest: async (_: unknown, args: { id: string; approve: boolean; note?: string | null }, ctx: unknown) => {
        const { owner, request, subject } = await ownRequest(ctx, args.id, 'id');
        const note = checkNote(args.note, 'note');
        const at = now();
        if (request.status !== 'OPEN' || request.expiresAt.getTime() <= at.getTime()) throw closed(request, at, 'only an OPEN request can be answered');
        await recordFootageStep(audit, {
          kind: 'evidence',
          action: 'footage-answered',
          outcome: 'ok',
          subject,
          recordIds: [`FootageRequest:${request.id}`],
          details: { requestId: request.id, cameraId: request.cameraId, ownerId: owner, approved: args.approve === true },
        });
        const answered = await store.answer(request.id, args.approve === true, note, at);
        if (!answered) throw closed((await store.requestsByIds([request.id]))[0] ?? request, at, 'it changed while the answer arrived');
        publish(answered);
        return answered;
      },
      footageUploadLink: async (_: unknown, { requestId }: { requestId: string }, ctx: unknown) => {
        const { owner, request } = await ownRequest(ctx, requestId, 'requestId');
        const at = now();
        if (request.status !== 'APPROVED' || request.expiresAt.getTime() <= at.getTime()) throw closed(request, at, 'a clip is uploaded for an APPROVED request');
        // The link dies with the request: never later than its expiry.
        const ttl = Math.min(linkTtlMs, request.expiresAt.getTime() - at.getTime());
        return links.sign('upload', { requestId: request.id, ownerId: owner }, ttl);
      },
    },
    Subscription: {
      footageRequestChanged: {
        subscribe: (_: unknown, _args: unknown, ctx: unknown) => {
          const filter = ownerFilterOf(ctx);
          return changes.subscribe((request) => (isVisibleTo(filter, request) ? request : undefined));
        },
        resolve: (request: FootageRequestRecord) => request,
      },
    },
    FootageRequest: {
      camera: (request: FootageRequestRecord) => ({ __typename: 'Camera', id: request.cameraId }),
      caseNumber: (request: FootageRequestRecord, _: unknown, ctx: unknown) => (isPolice(ctx) ? request.caseNumber : null),
      requestedBy: (request: FootageRequestRecord, _: unknown, ctx: unknown) => (isPolice(ctx) ? request.requestedBy : null),
      clips: (request: FootageRequestRecord, _: unknown, ctx: unknown) => clipsOf(ctx, request.id),
    },
    FootageClip: {
      download: (clip: FootageClipRecord, _: unknown, ctx: unknown) => {
        const caller = callerOf(ctx);
        // Bound to whoever it is issued to, whom the download's audit record names.
        if (caller === null || !caller.scopes.includes(FOOTAGE_REQUEST_SCOPE)) return null;
        return links.sign('download', { requestId: clip.requestId, sha256: clip.sha256, subject: caller.subject }, linkTtlMs);
      },
    },
  };
}

function isRequestable(camera: ProgramCamera | null): camera is ProgramCamera {
  return camera !== null && (camera.status === 'APPROVED' || camera.status === 'WITHDRAWN');
}

function addressOf(contact: ProgramOwnerContact): { channel: 'EMAIL' | 'SMS'; address: string } | null {
  if (contact.notifyBy === 'EMAIL' && contact.email) return { channel: 'EMAIL', address: contact.email };
  if (contact.notifyBy === 'SMS' && contact.phone) return { channel: 'SMS', address: contact.phone };
  return null;
}

/** The owner's message: which camera, which window, the police's note, until when, and where to answer. No case number. */
function messageOf(request: FootageRequestRecord, camera: ProgramCamera | null, settings: FootageSettings): { subject: string; text: string } {
  const timeZone = settings.timeZone ?? 'UTC';
  const formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
  const format = (date: Date) => formatter.format(date);
  const cameraName = camera ? `"${camera.name.slice(0, 80)}"` : 'one of your cameras';
  const lines = [
    `The police ask whether you can share footage from your camera ${cameraName} recorded from ${format(request.from)} to ${format(request.to)}.`,
    ...(request.message ? ['', `Their message: ${request.message}`] : []),
    '',
    `Please approve or deny by ${format(request.expiresAt)} on your Community Connect page: ${settings.ownerPageUrl ?? '/connect/'}`,
    `Request ${request.id}. Sharing is voluntary; you may deny.`,
  ];
  return { subject: 'Community Connect: a footage request for your camera', text: lines.join('\n') };
}

/** Why a send took too long. */
class NotificationTimeoutError extends Error {
  constructor(ms: number) {
    super(`The notifier did not answer within ${ms} ms`);
    this.name = 'NotificationTimeoutError';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NotificationTimeoutError(ms)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

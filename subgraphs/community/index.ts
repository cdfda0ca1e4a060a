import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import DataLoader from 'dataloader';
import type { FastifyInstance } from 'fastify';
import { type RefusalAuditor, createRefusalAuditor } from '../../audit';
import type { CameraDiscovered, CameraWithdrawn } from '../../contract';
import { HubError, badUserInput } from '../../errors/hubErrors';
import type { RetentionParticipant } from '../../retention/retentionParticipant';
import { createChangeFeed } from '../createChangeFeed';
import { createSubgraphSchema } from '../createSubgraphSchema';
import { callerOf } from '../rowScope';
import type { Subgraph, SubgraphDependencies } from '../subgraph';
import type { ForwardedCaller } from '../../wire/forwardedCaller';
import { createAccessRegistry } from './createAccessRegistry';
import { registerAlarmWebhook } from './createAlarmWebhook';
import { createLinkSigner } from './createLinkSigner';
import { registerMediaRelay } from './createMediaRelay';
import { type OwnerRecord, type RegistrationRecord, createProgramStore } from './createProgramStore';
import type { CommunityAudit, CommunityEventSink, NotificationPort, ProgramCamera, ProgramDirectory, ProgramOwnerContact } from './communityPorts';
import { SCOPES } from '../../auth/roles';
import type { CommunitySettings } from './communitySettings';
import { type LiveAccess, type RegistrationStatus, evaluateSharingTerms } from './evaluateSharingTerms';
import { type FootageDesk, createFootageDesk } from './footage';
import { newProgramId } from './newProgramId';
import {
  type OwnerProfileInput,
  type RegisterCameraInput,
  type SharingTermsInput,
  optionalLevel,
  streamProtocolOf,
  validateNote,
  validateProfile,
  validateRegistration,
  validateTerms,
} from './validateRegistration';

export { communityMigrations } from './communityMigrations';
export type { CommunitySettings } from './communitySettings';

/** Most cameras one owner may register: a flood of registrations must not fill the review queue. */
export const MAX_CAMERAS_PER_OWNER = 50;
/** Most cameras one cameraAccessChanged subscription may name. */
export const MAX_WATCHED_CAMERAS = 1000;
/** Why a camera's access changed (GraphQL `AccessChangeReason`). */
export type AccessChangeReason = 'APPROVED' | 'TERMS_CHANGED' | 'SCHEDULE' | 'ALARM' | 'WITHDRAWN' | 'ERASED';

/** What the hub gives the community subgraph besides the database and the clock. */
export interface CommunityServices {
  readonly sink: CommunityEventSink;
  readonly audit: CommunityAudit;
  readonly notifier: NotificationPort;
  readonly settings: CommunitySettings;
  /** Randomness of ids and alarm secrets; injected for tests. */
  readonly randomBytes?: (size: number) => Buffer;
  /** Told of a sweep that failed (the next one tries again); default: nothing. */
  readonly onSweepError?: (error: unknown) => void;
  /**
   * Window in which one client address's refused requests at the public routes share one audit
   * record (the first is recorded at once, the rest with their count when it ends), ms
   * (COMMUNITY_REFUSAL_WINDOW_MS); default 60 000.
   */
  readonly refusalWindowMs?: number;
}

/** The community subgraph: Community Connect's owners, registrations, terms, live links and footage requests. */
export interface CommunitySubgraph extends Subgraph {
  /** Reads the current access of clock-driven cameras and starts the sweep; call before serving. */
  load(): Promise<void>;
  /** Registers the public HTTP routes (`/community/…`) on the subgraph's server, before it listens. */
  publicRoutes(app: FastifyInstance): Promise<void>;
  /** Stops the sweep and cuts the open relays. */
  close(): Promise<void>;
  /** Runs one sweep now (tests drive the clock). */
  sweep(): Promise<void>;
  readonly retention: RetentionParticipant;
  /** The program desk's half for the footage desk. */
  readonly directory: ProgramDirectory;
}

interface CommunityContext {
  registrationByCamera: DataLoader<string, RegistrationRecord | null>;
  owner: DataLoader<string, OwnerRecord | null>;
}

/** A camera's access as served (GraphQL `CameraAccess`). */
interface AccessView {
  readonly cameraId: string;
  /** A camera of the camera directory that is not in the program. */
  readonly city: boolean;
  readonly registration: RegistrationRecord | null;
  readonly owner: OwnerRecord | null;
  readonly live: LiveAccess;
  /** False in subscription events: links are issued only to a caller who queries. */
  readonly withLinks: boolean;
}

interface AccessChange {
  readonly cameraId: string;
  readonly ownerId: string;
  readonly access: AccessView;
  readonly reason: AccessChangeReason;
  readonly at: Date;
  readonly erased: boolean;
}

/** An owner as served (GraphQL `CommunityOwner`); `secret` only in rotateAlarmSecret's answer. */
interface OwnerView {
  readonly id: string;
  readonly record: OwnerRecord | null;
  readonly secret?: string;
}

const COMMUNITY_CAMERA_PREFIX = 'community:';
const CLOSED: LiveAccess = { liveNow: false, liveUntil: null, liveFrom: null };

const has = (caller: ForwardedCaller | null, scope: string) => caller !== null && caller.scopes.includes(scope);

/**
 * Whose registrations a caller sees: everyone's (staff with `community:review`, and requests the
 * gateway makes without a caller); an owner's own (`community:own` with an owner id); or none.
 */
function ownerFilterOf(ctx: unknown): string | null | undefined {
  const caller = callerOf(ctx);
  if (caller === null || has(caller, SCOPES.communityReview)) return undefined;
  return has(caller, SCOPES.communityOwn) ? caller.cameraOwner ?? null : null;
}

/** The signed-in owner's id, or FORBIDDEN. */
function requireOwner(ctx: unknown, coordinate: string): string {
  const caller = callerOf(ctx);
  if (!has(caller, SCOPES.communityOwn) || !caller?.cameraOwner) {
    throw new HubError('FORBIDDEN', `${coordinate} is for a signed-in camera owner (a token with an owner id)`, { coordinate });
  }
  return caller.cameraOwner;
}

/**
 * The community subgraph. Owners (their owner id from the forwarded caller) see and change only
 * their own profile and cameras; staff with `community:review` see every registration and decide
 * them; `Camera.access` is answered for any camera to a caller with the camera directory, and for
 * the owner's own. Approved cameras enter the camera directory through `services.sink`
 * (`camera.discovered`, no personal data); withdrawal and erasure leave it (`camera.withdrawn`).
 */
export function createCommunitySubgraph({ db, now }: SubgraphDependencies, services: CommunityServices): CommunitySubgraph {
  const { sink, audit, notifier, settings, randomBytes = cryptoRandomBytes, onSweepError, refusalWindowMs } = services;
  const store = createProgramStore(db);
  const changes = createChangeFeed<AccessChange>();
  const registry = createAccessRegistry(now);
  const links = createLinkSigner({ secret: settings.linkSecret, publicUrl: settings.publicUrl, now });
  const linkTtlMs = settings.linkTtlSeconds * 1000;
  // Refusals at the public routes, summarised per client address and window (a flood of bad links
  // or webhook calls is a few records, not one each); failures go to the server's log once it has one.
  let logRefusalAuditError = (_error: unknown, _kind: string): void => undefined;
  const refusalAuditor = (kind: 'media-link' | 'alarm' | 'evidence'): RefusalAuditor =>
    createRefusalAuditor({ append: (record) => audit.append(record), kind, now, windowMs: refusalWindowMs, onError: (error) => logRefusalAuditError(error, kind) });
  const refusals = { media: refusalAuditor('media-link'), alarm: refusalAuditor('alarm'), evidence: refusalAuditor('evidence') };
  /** liveNow as last published, by camera id: the sweep publishes what the clock changed. */
  const lastLive = new Map<string, boolean>();
  let sweepTimer: NodeJS.Timeout | null = null;
  let sweeping: Promise<void> | null = null;

  const liveOf = (registration: RegistrationRecord, alarmRaisedAt: Date | null, at = now()): LiveAccess =>
    evaluateSharingTerms({ level: registration.level, status: registration.status, terms: registration.terms, now: at, timeZone: settings.timeZone, alarmRaisedAt });

  const contactOfOwner = (owner: OwnerRecord | null) =>
    owner && (owner.contactName || owner.phone || owner.email || owner.displayName)
      ? { name: owner.contactName ?? owner.displayName, phone: owner.phone, email: owner.email, notifyBy: owner.notifyBy }
      : null;

  const wasInDirectory = (registration: RegistrationRecord) =>
    registration.status === 'APPROVED' || (registration.status === 'WITHDRAWN' && registration.decidedAt !== null);

  const directory: ProgramDirectory & { programCameras(): Promise<readonly ProgramCamera[]> } = {
    async cameraOf(cameraId) {
      const [registration] = await store.registrationsByCameraIds([cameraId]);
      return registration && wasInDirectory(registration) ? programCameraOf(registration) : null;
    },
    async contactOf(ownerId) {
      const [owner] = await store.ownersByIds([ownerId]);
      if (!owner) return null;
      const contact: ProgramOwnerContact = { ownerId, displayName: owner.displayName, email: owner.email, phone: owner.phone, notifyBy: owner.notifyBy };
      return contact;
    },
    async programCameras() {
      // All of them: the program view counts the pending ones too (summarizeProgram counts levels of approved ones only).
      return (await store.programRegistrations()).map(programCameraOf);
    },
  };

  const footage: FootageDesk = createFootageDesk({
    db,
    now,
    directory,
    notifier,
    audit,
    links,
    settings: {
      ...settings.footage,
      timeZone: settings.timeZone,
      ownerPageUrl: `${settings.publicUrl ?? ''}/connect/`,
    },
    randomBytes,
    refusals: refusals.evidence,
  });

  // ---- events to the camera directory: ids, place and optics only ----
  const envelope = () => ({ eventId: newProgramId('evt', randomBytes), source: 'community', occurredAt: now().toISOString() });
  const emitDiscovered = (registration: RegistrationRecord) => {
    const event: CameraDiscovered = {
      ...envelope(),
      type: 'camera.discovered',
      cameraId: registration.cameraId,
      name: registration.name,
      cameraSource: registration.level === 'INTEGRATED' ? 'COMMUNITY_LIVE' : 'COMMUNITY_REGISTERED',
      location: { point: registration.location.point, address: registration.location.address, uncertaintyMeters: null },
      headingDegrees: registration.headingDegrees,
      fieldOfViewDegrees: registration.fieldOfViewDegrees,
      rangeMeters: registration.rangeMeters,
      mountHeightMeters: null,
      ptz: false,
      status: 'ONLINE',
      // The camera's own addresses stay here: live video goes only through the hub's signed links.
      streams: [],
      snapshotUrl: null,
      owner: { ownerId: registration.ownerId, name: null, contactName: null, contactPhone: null, contactEmail: null },
    };
    return sink.emit(event);
  };
  const emitWithdrawn = (cameraId: string, erased: boolean) => {
    const event: CameraWithdrawn = { ...envelope(), type: 'camera.withdrawn', cameraId, erased };
    return sink.emit(event);
  };

  // ---- access ----
  const publish = (cameraId: string, ownerId: string, registration: RegistrationRecord | null, owner: OwnerRecord | null, reason: AccessChangeReason) => {
    const at = now();
    const live = registration ? liveOf(registration, owner?.alarmRaisedAt ?? null, at) : CLOSED;
    if (registration) lastLive.set(cameraId, live.liveNow);
    else lastLive.delete(cameraId);
    changes.publish({
      cameraId,
      ownerId,
      reason,
      at,
      erased: reason === 'ERASED',
      access: { cameraId, city: false, registration, owner: null, live, withLinks: false },
    });
    if (!live.liveNow) registry.revoke(cameraId, reason);
  };

  const accessOf = async (cameraId: string, ctx: CommunityContext): Promise<AccessView> => {
    if (!cameraId.startsWith(COMMUNITY_CAMERA_PREFIX)) return { cameraId, city: true, registration: null, owner: null, live: { liveNow: true, liveUntil: null, liveFrom: null }, withLinks: true };
    const registration = await ctx.registrationByCamera.load(cameraId);
    const owner = registration ? await ctx.owner.load(registration.ownerId) : null;
    const live = registration ? liveOf(registration, owner?.alarmRaisedAt ?? null) : CLOSED;
    return { cameraId, city: false, registration, owner, live, withLinks: true };
  };

  const signMedia = (view: AccessView, caller: ForwardedCaller, what: string) => {
    const registration = view.registration as RegistrationRecord;
    const linkId = newProgramId('lnk', randomBytes);
    const signed = links.sign('media', { cam: view.cameraId, w: what, sub: caller.subject, ep: String(registration.linkEpoch), id: linkId }, linkTtlMs);
    registry.noteIssued(view.cameraId, linkId, signed.expiresAt);
    return signed;
  };

  const ownRegistration = async (ctx: unknown, cameraId: string, coordinate: string): Promise<{ ownerId: string; registration: RegistrationRecord }> => {
    const ownerId = requireOwner(ctx, coordinate);
    const [registration] = await store.registrationsByCameraIds([cameraId]);
    if (!registration || registration.ownerId !== ownerId) throw badUserInput('cameraId', 'names no camera of yours');
    return { ownerId, registration };
  };

  const activeUntilOf = async (owner: OwnerRecord | null): Promise<Date | null> => {
    if (!owner?.alarmRaisedAt) return null;
    const alarmMinutes = (await store.registrationsOfOwner(owner.id))
      .filter((registration) => registration.terms.mode === 'ALARM')
      .map((registration) => registration.terms.alarmMinutes);
    // As long as the longest of the owner's ALARM cameras shares (the default only without one).
    const minutes = alarmMinutes.length > 0 ? Math.max(...alarmMinutes) : settings.alarmMinutes;
    const until = new Date(owner.alarmRaisedAt.getTime() + minutes * 60_000);
    return until > now() ? until : null;
  };

  const raiseAlarm = async (ownerId: string, active: boolean) => {
    await store.setAlarm(ownerId, active ? now() : null, now());
    const [owner] = await store.ownersByIds([ownerId]);
    for (const registration of await store.registrationsOfOwner(ownerId)) {
      if (registration.terms.mode !== 'ALARM' || registration.status !== 'APPROVED' || registration.level !== 'INTEGRATED') continue;
      const live = liveOf(registration, owner?.alarmRaisedAt ?? null);
      if (lastLive.get(registration.cameraId) !== live.liveNow) publish(registration.cameraId, ownerId, registration, owner ?? null, 'ALARM');
    }
    return { activeUntil: await activeUntilOf(owner ?? null) };
  };

  const sweepOnce = async (announce: boolean) => {
    const at = now();
    for (const { registration, alarmRaisedAt } of await store.clockDrivenRegistrations()) {
      const live = liveOf(registration, alarmRaisedAt, at);
      const before = lastLive.get(registration.cameraId);
      if (announce && before !== undefined && before !== live.liveNow) {
        const [owner] = await store.ownersByIds([registration.ownerId]);
        publish(registration.cameraId, registration.ownerId, registration, owner ?? null, registration.terms.mode === 'ALARM' ? 'ALARM' : 'SCHEDULE');
      } else lastLive.set(registration.cameraId, live.liveNow);
    }
    if (announce) await footage.sweep();
  };
  const sweep = (): Promise<void> => {
    if (!sweeping) {
      sweeping = sweepOnce(true)
        .catch((error: unknown) => onSweepError?.(error))
        .finally(() => {
          sweeping = null;
        });
    }
    return sweeping;
  };

  const ownerView = (id: string, record: OwnerRecord | null, secret?: string): OwnerView => ({ id, record, ...(secret !== undefined && { secret }) });
  const webhookUrl = (ownerId: string) => `${settings.publicUrl ?? ''}/community/alarm/${encodeURIComponent(ownerId)}`;

  const programResolvers = {
    Query: {
      me: async (_: unknown, __: unknown, ctx: CommunityContext) => {
        const caller = callerOf(ctx);
        if (!has(caller, SCOPES.communityOwn) || !caller?.cameraOwner) return null;
        return ownerView(caller.cameraOwner, await ctx.owner.load(caller.cameraOwner));
      },
      registrations: (_: unknown, args: { filter?: { status?: RegistrationStatus[] | null; level?: string[] | null } | null; first: number; after?: string | null }, ctx: CommunityContext) =>
        store.listRegistrations(args.filter ?? {}, args.first, args.after, ownerFilterOf(ctx)),
    },
    Mutation: {
      saveOwnerProfile: async (_: unknown, { input }: { input: OwnerProfileInput }, ctx: CommunityContext) => {
        const ownerId = requireOwner(ctx, 'Mutation.saveOwnerProfile');
        return ownerView(ownerId, await store.saveProfile(ownerId, validateProfile(input), now()));
      },
      registerCamera: async (_: unknown, { input }: { input: RegisterCameraInput }, ctx: CommunityContext) => {
        const ownerId = requireOwner(ctx, 'Mutation.registerCamera');
        const valid = validateRegistration(input, settings.alarmMinutes);
        const existing = await store.registrationsOfOwner(ownerId);
        if (existing.length >= MAX_CAMERAS_PER_OWNER) throw badUserInput('input', `would be camera ${existing.length + 1} of this owner; at most ${MAX_CAMERAS_PER_OWNER}`);
        await store.ensureOwner(ownerId, now());
        const id = newProgramId('reg', randomBytes);
        return store.insertRegistration({ ...valid, id, cameraId: `${COMMUNITY_CAMERA_PREFIX}${id}`, ownerId }, now());
      },
      approveRegistration: async (_: unknown, args: { id: string; approve: boolean; note?: string | null }, ctx: CommunityContext) => {
        const caller = callerOf(ctx);
        if (caller !== null && !has(caller, SCOPES.communityReview)) {
          throw new HubError('FORBIDDEN', 'approveRegistration is for police staff with community:review', { coordinate: 'Mutation.approveRegistration' });
        }
        const note = validateNote(args.note);
        if (!args.approve && note === null) throw badUserInput('note', 'is required when rejecting: the owner is told why');
        const decided = await store.decide(args.id, { status: args.approve ? 'APPROVED' : 'REJECTED', note, decidedBy: caller?.subject ?? 'gateway' }, now());
        if (!decided) {
          const [registration] = await store.registrationsByIds([args.id]);
          throw badUserInput('id', registration ? `names a registration that is ${registration.status}, not PENDING` : 'names no registration');
        }
        if (decided.status === 'APPROVED') {
          try {
            await emitDiscovered(decided);
          } catch (error) {
            // Not in the directory, so not approved: staff may decide again once the sink takes events.
            await store.undoDecision(decided.id, now());
            throw error;
          }
          const [owner] = await store.ownersByIds([decided.ownerId]);
          publish(decided.cameraId, decided.ownerId, decided, owner ?? null, 'APPROVED');
        }
        return decided;
      },
      setSharingTerms: async (_: unknown, args: { cameraId: string; terms: SharingTermsInput }, ctx: CommunityContext) => {
        const { ownerId, registration } = await ownRegistration(ctx, args.cameraId, 'Mutation.setSharingTerms');
        if (registration.status === 'REJECTED') throw badUserInput('cameraId', 'names a rejected registration: register the camera again');
        const terms = validateTerms(args.terms, settings.alarmMinutes, 'terms');
        const level = optionalLevel(args.terms.level, 'terms.level') ?? registration.level;
        if (level === 'INTEGRATED' && registration.streamUrl === null && registration.snapshotUrl === null) {
          throw badUserInput('terms.level', 'is INTEGRATED but the camera has no stream or still address to share');
        }
        // A withdrawn camera that is shared again is back in the program: it was verified before.
        const status: RegistrationStatus = registration.status === 'WITHDRAWN' && registration.decidedAt !== null ? 'APPROVED' : registration.status;
        const updated = await store.updateTerms(registration.id, { terms, level, status }, now());
        if (!updated) throw badUserInput('cameraId', 'names no camera of yours');
        if (updated.status === 'APPROVED' && (updated.level !== registration.level || registration.status !== 'APPROVED')) await emitDiscovered(updated);
        // Operators hear only of cameras in the directory; a pending one is the owner's and staff's business.
        if (wasInDirectory(updated)) {
          const [owner] = await store.ownersByIds([ownerId]);
          publish(updated.cameraId, ownerId, updated, owner ?? null, 'TERMS_CHANGED');
        }
        return updated;
      },
      withdrawCamera: async (_: unknown, args: { cameraId: string; erase: boolean }, ctx: CommunityContext) => {
        const { ownerId, registration } = await ownRegistration(ctx, args.cameraId, 'Mutation.withdrawCamera');
        const inDirectory = wasInDirectory(registration);
        // Kept registered only is for a camera the program took: a pending or rejected one can only be erased.
        if (!args.erase && !inDirectory) throw badUserInput('erase', `must be true for a ${registration.status} registration: only an approved camera stays registered when withdrawn`);
        // Live access ends first: the row refuses links on every replica, this one cuts its relays.
        // (A camera the program never took has no live access to end: it is only erased.)
        const withdrawn = inDirectory ? await store.withdraw(registration.id, now()) : null;
        const linksRevoked = registry.revoke(registration.cameraId, 'withdrawn');
        if (!args.erase) {
          if (inDirectory) {
            await emitWithdrawn(registration.cameraId, false);
            publish(registration.cameraId, ownerId, withdrawn, null, 'WITHDRAWN');
          }
          return { cameraId: registration.cameraId, erased: false, registration: withdrawn, linksRevoked };
        }
        // The directory forgets the camera before its registration goes, so that a failure here can be retried.
        if (inDirectory) await emitWithdrawn(registration.cameraId, true);
        const erasure = await store.erase(registration.id);
        if (erasure?.ownerErased) await footage.eraseOwner(ownerId);
        if (inDirectory) publish(registration.cameraId, ownerId, null, null, 'ERASED');
        return { cameraId: registration.cameraId, erased: true, registration: null, linksRevoked };
      },
      rotateAlarmSecret: async (_: unknown, __: unknown, ctx: CommunityContext) => {
        const ownerId = requireOwner(ctx, 'Mutation.rotateAlarmSecret');
        const secret = randomBytes(32).toString('base64url');
        await store.setAlarmSecret(ownerId, secret, now());
        const [owner] = await store.ownersByIds([ownerId]);
        return { url: webhookUrl(ownerId), secret, configured: true, activeUntil: await activeUntilOf(owner ?? null) };
      },
    },
    Subscription: {
      cameraAccessChanged: {
        subscribe: (_: unknown, args: { cameraIds?: readonly string[] | null }, ctx: CommunityContext) => {
          if (args.cameraIds && args.cameraIds.length > MAX_WATCHED_CAMERAS) throw badUserInput('cameraIds', `names ${args.cameraIds.length} cameras; at most ${MAX_WATCHED_CAMERAS}`);
          const wanted = args.cameraIds ? new Set(args.cameraIds) : null;
          const caller = callerOf(ctx);
          // The gateway's shared stream carries no caller (and the gateway admits only callers with
          // the camera directory); a caller who is an owner only would hear of their own cameras only.
          const ownerOnly = caller !== null && !has(caller, SCOPES.camerasRead) ? caller.cameraOwner ?? '' : null;
          return changes.subscribe((change) =>
            (wanted === null || wanted.has(change.cameraId)) && (ownerOnly === null || ownerOnly === change.ownerId) ? change : undefined,
          );
        },
        resolve: (change: AccessChange) => change,
      },
    },
    CameraAccessChange: {
      camera: (change: AccessChange) => (change.erased ? null : { __typename: 'Camera', id: change.cameraId }),
    },
    Camera: {
      __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
      access: async (camera: { id: string }, _: unknown, ctx: CommunityContext) => {
        const view = await accessOf(camera.id, ctx);
        const caller = callerOf(ctx);
        const mayRead = caller === null || has(caller, SCOPES.camerasRead) || (has(caller, SCOPES.communityOwn) && caller.cameraOwner !== null && view.registration?.ownerId === caller.cameraOwner);
        if (!mayRead) throw new HubError('FORBIDDEN', 'Camera.access is for callers with the camera directory, or the camera\'s owner', { coordinate: 'Camera.access' });
        return view;
      },
    },
    CameraAccess: {
      // A camera withdrawn and kept is registered only, whatever level it had (the directory keeps it as COMMUNITY_REGISTERED).
      level: (view: AccessView) => (view.city ? 'CITY' : view.registration?.status === 'WITHDRAWN' ? 'REGISTERED' : (view.registration?.level ?? 'REGISTERED')),
      liveNow: (view: AccessView) => view.live.liveNow,
      liveUntil: (view: AccessView) => view.live.liveUntil,
      liveFrom: (view: AccessView) => view.live.liveFrom,
      canRequestFootage: (view: AccessView) => view.registration !== null && wasInDirectory(view.registration),
      terms: (view: AccessView) => (view.registration ? { ...view.registration.terms, timeZone: settings.timeZone } : null),
      streams: (view: AccessView, _: unknown, ctx: CommunityContext) => {
        const caller = callerOf(ctx);
        if (view.city || !view.withLinks || caller === null) return null;
        const url = view.registration?.streamUrl;
        if (!view.live.liveNow || !url) return [];
        const signed = signMedia(view, caller, 's0');
        return [{ protocol: streamProtocolOf(url), url: signed.url, expiresAt: signed.expiresAt }];
      },
      snapshotUrl: (view: AccessView, _: unknown, ctx: CommunityContext) => {
        const caller = callerOf(ctx);
        if (view.city || !view.withLinks || caller === null || !view.live.liveNow || !view.registration?.snapshotUrl) return null;
        return signMedia(view, caller, 'snap').url;
      },
      contact: async (view: AccessView, _: unknown, ctx: CommunityContext) => {
        const caller = callerOf(ctx);
        const registration = view.registration;
        if (caller === null || !registration || !view.withLinks) return null;
        const isOwner = caller.cameraOwner !== null && caller.cameraOwner === registration.ownerId && has(caller, SCOPES.communityOwn);
        if (!isOwner && !has(caller, SCOPES.ownerContacts)) return null;
        return contactOfOwner(view.owner ?? (await ctx.owner.load(registration.ownerId)));
      },
    },
    Registration: {
      camera: (registration: RegistrationRecord) => ({ __typename: 'Camera', id: registration.cameraId }),
      location: (registration: RegistrationRecord) => registration.location,
      terms: (registration: RegistrationRecord) => ({ ...registration.terms, timeZone: settings.timeZone }),
      owner: async (registration: RegistrationRecord, _: unknown, ctx: CommunityContext) => {
        const filter = ownerFilterOf(ctx);
        if (filter !== undefined && filter !== registration.ownerId) return null;
        return ownerView(registration.ownerId, await ctx.owner.load(registration.ownerId));
      },
    },
    CommunityOwner: {
      displayName: (owner: OwnerView) => owner.record?.displayName ?? null,
      contact: (owner: OwnerView) => contactOfOwner(owner.record),
      alarmWebhook: async (owner: OwnerView) => ({
        url: webhookUrl(owner.id),
        secret: owner.secret ?? null,
        configured: owner.record?.alarmConfigured ?? false,
        activeUntil: await activeUntilOf(owner.record),
      }),
      registrations: (owner: OwnerView) => store.registrationsOfOwner(owner.id),
      joinedAt: (owner: OwnerView) => owner.record?.joinedAt ?? now(),
    },
  };

  const footageResolvers = footage.resolvers as Record<string, Record<string, unknown>>;
  const resolvers: Record<string, unknown> = { ...footageResolvers, ...programResolvers };
  for (const root of ['Query', 'Mutation', 'Subscription'] as const) {
    resolvers[root] = { ...programResolvers[root], ...(footageResolvers[root] ?? {}) };
  }

  return {
    name: 'community',
    schema: createSubgraphSchema<CommunityContext>('community', resolvers as GraphQLResolverMap<CommunityContext>),
    createContext: (): CommunityContext => ({
      registrationByCamera: new DataLoader((ids: readonly string[]) => store.registrationsByCameraIds(ids)),
      owner: new DataLoader((ids: readonly string[]) => store.ownersByIds(ids)),
    }),
    // The program makes its own camera events; it projects none of the others'.
    handleEvent: async () => undefined,
    activeSubscriptions: () => changes.subscriberCount + footage.activeSubscriptions(),
    directory,
    retention: footage.retention,
    async load() {
      await sweepOnce(false);
      if (!sweepTimer) {
        sweepTimer = setInterval(() => void sweep(), settings.sweepMs);
        sweepTimer.unref();
      }
    },
    async publicRoutes(app) {
      logRefusalAuditError = (error, kind) => app.log.error({ err: error, kind }, 'the audit record of refused requests could not be written');
      registerMediaRelay(app, {
        links,
        audit,
        refusals: refusals.media,
        registry,
        allowPrivateAddresses: settings.relayPrivateAddresses,
        upstreamTimeoutMs: settings.relayTimeoutMs ?? 10_000,
        sourceOf: async (cameraId) => {
          const [registration] = await store.registrationsByCameraIds([cameraId]);
          if (!registration) return null;
          const [owner] = await store.ownersByIds([registration.ownerId]);
          return {
            liveNow: liveOf(registration, owner?.alarmRaisedAt ?? null).liveNow,
            linkEpoch: registration.linkEpoch,
            streamUrls: registration.streamUrl ? [registration.streamUrl] : [],
            snapshotUrl: registration.snapshotUrl,
          };
        },
      });
      registerAlarmWebhook(app, { audit, refusals: refusals.alarm, now, secretOf: (ownerId) => store.alarmSecretOf(ownerId), raise: raiseAlarm });
      await footage.publicRoutes(app);
    },
    sweep,
    async close() {
      if (sweepTimer) clearInterval(sweepTimer);
      sweepTimer = null;
      await sweeping;
      registry.cutAll('closing');
      await footage.close();
      // The counts of refusals still held go on the trail.
      await Promise.all([refusals.media.close(), refusals.alarm.close(), refusals.evidence.close()]);
    },
  };
}

function programCameraOf(registration: RegistrationRecord): ProgramCamera {
  return {
    cameraId: registration.cameraId,
    ownerId: registration.ownerId,
    name: registration.name,
    point: registration.location.point,
    level: registration.status === 'WITHDRAWN' ? 'REGISTERED' : registration.level,
    status: registration.status,
  };
}

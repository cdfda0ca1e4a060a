import { createHash } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import Fastify, { type FastifyInstance } from 'fastify';
import { type ExecutionResult, graphql, parse, subscribe } from 'graphql';
import type { AuditRecordInput } from '../../../audit/auditRecord';
import { scopesOf } from '../../../auth/roles';
import { type DomainEvent, validateDomainEvent } from '../../../contract';
import type { NotificationPort, OwnerNotification } from '../../../notifications/notificationPort';
import { type Database, createDatabase, createEmbeddedPostgres } from '../../../storage/createDatabase';
import { type CommunitySettings, type CommunitySubgraph, communityMigrations, createCommunitySubgraph } from '../../../subgraphs/community';
import type { ForwardedCaller } from '../../../wire/forwardedCaller';
import { type StorageTarget, dropSchemas, uniqueSchemaPrefix } from '../../support/storageTargets';
import { NEARBY_DEFAULTS } from '../openSubgraphs';

export interface Body {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** A community subgraph over a fresh schema, run without the gateway, with its services recorded. */
export interface OpenCommunity {
  readonly subgraph: CommunitySubgraph;
  readonly db: Database;
  /** The events the program emitted, each checked against the contract on the way. */
  readonly events: DomainEvent[];
  readonly audits: AuditRecordInput[];
  readonly notifications: OwnerNotification[];
  readonly erasedOwners: string[];
  /** Moves the injected clock. */
  setNow(iso: string | Date): void;
  now(): Date;
  /** While true, every audit append fails. */
  failAudit: boolean;
  /** While true, the event sink refuses every event. */
  failSink: boolean;
  run(query: string, variables?: Record<string, unknown>, caller?: ForwardedCaller | null): Promise<Body>;
  subscribe(query: string, variables?: Record<string, unknown>, caller?: ForwardedCaller | null): Promise<AsyncIterator<Body>>;
  /** A fastify server on port 0 with the subgraph's public routes; its origin. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export const BASE_SETTINGS: CommunitySettings = {
  linkSecret: 'test-link-secret-that-is-long-enough-000',
  linkTtlSeconds: 60,
  publicUrl: null,
  timeZone: 'America/Chicago',
  alarmMinutes: 30,
  sweepMs: 60_000,
  relayPrivateAddresses: true,
  relayTimeoutMs: 2000,
  footage: { maxWindowMinutes: 120, requestTtlHours: 72, maxClipBytes: 1_000_000, linkTtlSeconds: 300 },
};

/** Deterministic "randomness": a counter through SHA-256. */
function seededBytes(seed: string) {
  let counter = 0;
  return (size: number) => {
    const out = Buffer.alloc(size);
    let filled = 0;
    while (filled < size) {
      const block = createHash('sha256').update(`${seed}:${(counter += 1)}`).digest();
      filled += block.copy(out, filled);
    }
    return out;
  };
}

export async function openCommunity(target: StorageTarget, overrides: Partial<CommunitySettings> = {}, start = '2026-11-23T18:00:00.000Z'): Promise<OpenCommunity> {
  const embedded: PGlite | undefined = target.databaseUrl ? undefined : await createEmbeddedPostgres();
  const prefix = uniqueSchemaPrefix();
  const db = await createDatabase({ url: target.databaseUrl, embedded, schema: `${prefix}community`, migrations: communityMigrations, poolMax: 2 });
  let clock = new Date(start);
  const events: DomainEvent[] = [];
  const audits: AuditRecordInput[] = [];
  const notifications: OwnerNotification[] = [];
  const erasedOwners: string[] = [];
  const apps: FastifyInstance[] = [];
  const state = { failAudit: false, failSink: false };
  const notifier: NotificationPort = {
    async send(notification) {
      notifications.push(notification);
      return { id: `n-${notifications.length}` };
    },
    async eraseOwner(ownerId) {
      erasedOwners.push(ownerId);
      const before = notifications.length;
      for (let i = notifications.length - 1; i >= 0; i -= 1) if (notifications[i]?.ownerId === ownerId) notifications.splice(i, 1);
      return before - notifications.length;
    },
  };
  const subgraph = createCommunitySubgraph(
    { db, now: () => clock, nearby: NEARBY_DEFAULTS },
    {
      sink: {
        async emit(event) {
          if (state.failSink) throw new Error('sink down');
          const checked = validateDomainEvent(event);
          if (!checked.ok) throw new Error(`the program emitted an invalid event: ${checked.detail}`);
          events.push(event);
        },
      },
      audit: {
        async append(record) {
          if (state.failAudit) throw new Error('audit down');
          audits.push(record);
          return audits.length;
        },
      },
      notifier,
      settings: { ...BASE_SETTINGS, ...overrides },
      randomBytes: seededBytes(prefix),
    },
  );
  await subgraph.load();
  const contextOf = (caller: ForwardedCaller | null) => ({ ...subgraph.createContext(), caller });
  const toJson = (result: ExecutionResult) => JSON.parse(JSON.stringify(result)) as Body;
  return {
    subgraph,
    db,
    events,
    audits,
    notifications,
    erasedOwners,
    setNow(iso) {
      clock = new Date(iso);
    },
    now: () => clock,
    get failAudit() {
      return state.failAudit;
    },
    set failAudit(value: boolean) {
      state.failAudit = value;
    },
    get failSink() {
      return state.failSink;
    },
    set failSink(value: boolean) {
      state.failSink = value;
    },
    async run(query, variables = {}, caller = null) {
      return toJson(await graphql({ schema: subgraph.schema, source: query, variableValues: variables, contextValue: contextOf(caller) }));
    },
    async subscribe(query, variables = {}, caller = null) {
      const result = await subscribe({ schema: subgraph.schema, document: parse(query), variableValues: variables, contextValue: contextOf(caller) });
      if (!(Symbol.asyncIterator in result)) throw new Error(`subscribe failed: ${JSON.stringify(result)}`);
      const iterator = result[Symbol.asyncIterator]();
      return {
        next: async () => {
          const step = await iterator.next();
          return step.done ? step : { done: false, value: toJson(step.value) };
        },
        return: async () => {
          await iterator.return?.();
          return { done: true, value: undefined };
        },
      };
    },
    async listen() {
      const app = Fastify();
      await subgraph.publicRoutes(app);
      await app.listen({ host: '127.0.0.1', port: 0 });
      apps.push(app);
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no address');
      return `http://127.0.0.1:${address.port}`;
    },
    async close() {
      await subgraph.close();
      for (const app of apps) await app.close();
      await db.close();
      await embedded?.close();
      await dropSchemas(target.databaseUrl, prefix);
    },
  };
}

/** Callers as the gateway forwards them: an owner (camera-owner role with the community scopes), staff, an operator. */
export const OWNER_SCOPES = ['community:own', 'cameras:own', 'cameras:video'];

export function ownerCaller(ownerId: string): ForwardedCaller {
  return { subject: `resident-${ownerId}`, clientId: null, roles: ['camera-owner'], scopes: [...new Set([...scopesOf(['camera-owner']), ...OWNER_SCOPES])], geofence: null, cameraOwner: ownerId, department: null, purpose: null };
}

export function staffCaller(): ForwardedCaller {
  return { subject: 'sgt-review', clientId: null, roles: ['supervisor'], scopes: [...new Set([...scopesOf(['supervisor']), 'community:review', 'footage:request'])], geofence: null, cameraOwner: null, department: null, purpose: 'CASE-2026-0042' };
}

export function operatorCaller(): ForwardedCaller {
  return { subject: 'op-1', clientId: null, roles: ['operator'], scopes: [...new Set([...scopesOf(['operator']), 'footage:request'])], geofence: null, cameraOwner: null, department: null, purpose: 'CASE-2026-0042' };
}

export const REGISTER = `mutation Register($input: RegisterCameraInput!) {
  registerCamera(input: $input) { id status level camera { id } terms { mode alarmMinutes timeZone schedule { day from to } } }
}`;
export const APPROVE = `mutation Approve($id: ID!, $approve: Boolean!, $note: String) {
  approveRegistration(id: $id, approve: $approve, note: $note) { id status decidedAt decisionNote }
}`;
export const SET_TERMS = `mutation Terms($cameraId: ID!, $terms: SharingTermsInput!) {
  setSharingTerms(cameraId: $cameraId, terms: $terms) { id status level terms { mode } }
}`;
export const WITHDRAW = `mutation Withdraw($cameraId: ID!, $erase: Boolean!) {
  withdrawCamera(cameraId: $cameraId, erase: $erase) { cameraId erased linksRevoked registration { id status } }
}`;
export const PROFILE = `mutation Profile($input: OwnerProfileInput!) {
  saveOwnerProfile(input: $input) { id displayName contact { name phone email notifyBy } }
}`;
export const ACCESS = `query Access($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Camera { id access { level liveNow liveUntil liveFrom canRequestFootage terms { mode } streams { protocol url expiresAt } snapshotUrl contact { name phone email } } }
  }
}`;

/** Registers a camera as `ownerId` and approves it as staff; resolves its camera id. */
export async function enrol(community: OpenCommunity, ownerId: string, input: Record<string, unknown>): Promise<{ cameraId: string; registrationId: string }> {
  const registered = await community.run(REGISTER, { input: { name: 'Corner store', point: { lat: 33.415, lon: -111.83 }, level: 'INTEGRATED', streamUrl: 'http://127.0.0.1:9/stream.mjpg', ...input } }, ownerCaller(ownerId));
  if (registered.errors) throw new Error(JSON.stringify(registered.errors));
  const registration = registered.data?.registerCamera as { id: string; camera: { id: string } };
  const approved = await community.run(APPROVE, { id: registration.id, approve: true }, staffCaller());
  if (approved.errors) throw new Error(JSON.stringify(approved.errors));
  return { cameraId: registration.camera.id, registrationId: registration.id };
}

/** Camera.access of `cameraId` as `caller` sees it. */
export async function accessOf(community: OpenCommunity, cameraId: string, caller: ForwardedCaller | null): Promise<Body> {
  return community.run(ACCESS, { representations: [{ __typename: 'Camera', id: cameraId }] }, caller);
}

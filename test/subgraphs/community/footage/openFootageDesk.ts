import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import Fastify, { type FastifyInstance } from 'fastify';
import { type ExecutionResult, type GraphQLSchema, graphql, parse, subscribe } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import type { AuditRecordInput } from '../../../../audit/auditRecord';
import { type OutboxNotifier, createOutboxNotifier } from '../../../../notifications/createOutboxNotifier';
import type { NotificationPort } from '../../../../notifications/notificationPort';
import { type Database, createDatabase, createEmbeddedPostgres } from '../../../../storage/createDatabase';
import type { LinkKind, LinkSigner, ProgramCamera, ProgramDirectory, ProgramOwnerContact } from '../../../../subgraphs/community/communityPorts';
import { type FootageDesk, type FootageSettings, createFootageDesk, footageMigrations } from '../../../../subgraphs/community/footage';
import type { ForwardedCaller } from '../../../../wire/forwardedCaller';
import { type StorageTarget, dropSchemas, uniqueSchemaPrefix } from '../../../support/storageTargets';

export interface Body {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[];
}

export const START = new Date('2026-11-23T18:00:00.000Z');
export const CASE = 'CASE-2026-0042';

/** Callers as the gateway forwards them. */
export const police = (purpose: string | null = CASE, subject = 'op-ana'): ForwardedCaller => ({
  subject,
  clientId: 'rtcc-console',
  roles: ['operator'],
  scopes: ['footage:request', 'cameras:read', 'cameras:video'],
  geofence: null,
  cameraOwner: null,
  department: null,
  purpose,
});
export const owner = (ownerId: string | null): ForwardedCaller => ({
  subject: `resident-${ownerId ?? 'new'}`,
  clientId: 'rtcc-connect',
  roles: ['camera-owner'],
  scopes: ['community:own'],
  geofence: null,
  cameraOwner: ownerId,
  department: null,
  purpose: null,
});
export const reviewer = (): ForwardedCaller => ({ ...police(null, 'sup-bo'), roles: ['supervisor'], scopes: ['community:review', 'footage:request', 'cameras:read'] });

/** A program camera of the fake directory (A's half, doubled here). */
export function camera(n: number, ownerId: string, extra: Partial<ProgramCamera> = {}): ProgramCamera {
  return { cameraId: `community:reg-${n}`, ownerId, name: `Shop ${n}`, point: { lat: 33.4 + n / 1000, lon: -111.8 + n / 1000 }, level: 'REGISTERED', status: 'APPROVED', ...extra };
}

/** A signer with the shape of A's (HMAC over kind, expiry and claims); a test double of the program desk's. */
export function createTestLinkSigner(now: () => Date): LinkSigner {
  const key = 'test-link-secret-of-at-least-32-characters';
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
  return {
    sign(kind, claims, ttlMs) {
      const expiresAt = new Date(now().getTime() + ttlMs);
      const payload = Buffer.from(JSON.stringify({ k: kind, e: expiresAt.getTime(), c: claims })).toString('base64url');
      return { url: `/community/${kind}/${payload}.${mac(payload)}`, expiresAt };
    },
    verify(kind: LinkKind, token) {
      const [payload, signature, extra] = token.split('.');
      if (!payload || !signature || extra !== undefined || token.length > 2048) return { ok: false, reason: 'malformed' };
      if (mac(payload) !== signature) return { ok: false, reason: 'bad-signature' };
      const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { k: string; e: number; c: Record<string, string> };
      if (body.k !== kind) return { ok: false, reason: 'wrong-kind' };
      if (body.e <= now().getTime()) return { ok: false, reason: 'expired' };
      return { ok: true, claims: body.c };
    },
  };
}

export interface OpenDesk {
  readonly desk: FootageDesk;
  readonly db: Database;
  readonly schema: GraphQLSchema;
  readonly outbox: OutboxNotifier;
  /** Audit records appended, in order. */
  readonly audit: AuditRecordInput[];
  /** While true, appending an audit record fails. */
  auditFails: boolean;
  /** While set, appending a record it says yes to fails. */
  auditFailsFor: ((record: AuditRecordInput) => boolean) | null;
  readonly cameras: Map<string, ProgramCamera>;
  readonly contacts: Map<string, ProgramOwnerContact>;
  readonly links: LinkSigner;
  /** The public routes' origin, e.g. http://127.0.0.1:40123. */
  readonly origin: string;
  now(): Date;
  advance(ms: number): void;
  run(query: string, variables: Record<string, unknown>, caller: ForwardedCaller | null): Promise<Body>;
  subscribe(query: string, caller: ForwardedCaller | null): Promise<AsyncIterator<Body>>;
  /** Rows of one of the desk's tables. */
  rows(table: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export const SETTINGS: FootageSettings = { maxWindowMinutes: 120, requestTtlHours: 72, maxClipBytes: 4096, linkTtlSeconds: 600, maxAgeDays: 30, timeZone: 'America/Chicago' };

/**
 * The footage desk over a fresh schema, its resolvers in a schema built from community.graphql
 * (the program desk's fields unresolved), its public routes on a real server on port 0.
 */
export interface OpenDeskOptions {
  readonly notifier?: (outbox: OutboxNotifier) => NotificationPort;
  readonly settings?: Partial<FootageSettings>;
  /** A PGlite the test file shares (each desk gets a schema of its own in it); absent: one of its own. */
  readonly embedded?: PGlite;
}

export async function openFootageDesk(target: StorageTarget, options: OpenDeskOptions = {}): Promise<OpenDesk> {
  const ownEmbedded = !target.databaseUrl && !options.embedded;
  const embedded: PGlite | undefined = target.databaseUrl ? undefined : (options.embedded ?? (await createEmbeddedPostgres()));
  const prefix = uniqueSchemaPrefix();
  const schemaName = `${prefix}community`;
  const db = await createDatabase({ url: target.databaseUrl, embedded, schema: schemaName, migrations: footageMigrations, poolMax: 2 });
  let clock = START;
  const now = () => clock;
  const audit: AuditRecordInput[] = [];
  const cameras = new Map<string, ProgramCamera>();
  const contacts = new Map<string, ProgramOwnerContact>();
  const directory: ProgramDirectory = {
    cameraOf: async (id) => {
      const found = cameras.get(id);
      return found && (found.status === 'APPROVED' || found.status === 'WITHDRAWN') ? found : null;
    },
    contactOf: async (id) => contacts.get(id) ?? null,
    programCameras: async () => [...cameras.values()],
  };
  const outbox = createOutboxNotifier(db, { now });
  const links = createTestLinkSigner(now);
  const state: { auditFails: boolean; auditFailsFor: ((record: AuditRecordInput) => boolean) | null } = { auditFails: false, auditFailsFor: null };
  const desk = createFootageDesk({
    db,
    now,
    directory,
    notifier: options.notifier ? options.notifier(outbox) : outbox,
    audit: {
      append: async (record) => {
        if (state.auditFails || state.auditFailsFor?.(record)) throw new Error('audit log unavailable');
        audit.push(record);
        return record;
      },
    },
    links,
    settings: { ...SETTINGS, ...options.settings },
    randomBytes: sequentialBytes(),
  });
  const sdl = readFileSync(join(__dirname, '../../../../schema/community.graphql'), 'utf8');
  const schema = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: { DateTime: DateTimeResolver, ...desk.resolvers } as unknown as GraphQLResolverMap<unknown> });
  const app: FastifyInstance = Fastify();
  await app.register(async (scoped) => desk.publicRoutes(scoped));
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const toJson = (result: ExecutionResult) => JSON.parse(JSON.stringify(result)) as Body;
  const open: OpenDesk = {
    desk,
    db,
    schema,
    outbox,
    audit,
    get auditFails() {
      return state.auditFails;
    },
    set auditFails(value: boolean) {
      state.auditFails = value;
    },
    get auditFailsFor() {
      return state.auditFailsFor;
    },
    set auditFailsFor(value) {
      state.auditFailsFor = value;
    },
    cameras,
    contacts,
    links,
    origin: address,
    now,
    advance(ms) {
      clock = new Date(clock.getTime() + ms);
    },
    async run(query, variables, caller) {
      return toJson(await graphql({ schema, source: query, variableValues: variables, contextValue: { caller } }));
    },
    async subscribe(query, caller) {
      const result = await subscribe({ schema, document: parse(query), contextValue: { caller } });
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
    rows: (table) => db.table(table).select() as Promise<Record<string, unknown>[]>,
    async close() {
      await app.close();
      await desk.close();
      await db.close();
      await dropSchemas(target.databaseUrl, prefix);
      if (ownEmbedded) await embedded?.close();
    },
  };
  return open;
}

/** Deterministic "random" bytes: request ids fr-aaaa…, fr-aaab…, in order. */
function sequentialBytes(): (size: number) => Buffer {
  let n = 0;
  return (size) => {
    const bytes = Buffer.alloc(size);
    bytes.writeUInt32BE(++n, size - 4);
    return bytes;
  };
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  json<T = Record<string, unknown>>(): T;
}

/** One HTTP request with node:http (a chunked body when `chunked`), tolerant of the server closing after answering. */
export function httpCall(url: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer; chunked?: boolean } = {}): Promise<HttpAnswer> {
  const { method = 'GET', headers = {}, body, chunked = false } = options;
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(url, { method, headers: { ...headers, ...(body && !chunked ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const all = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: all, json: <T>() => JSON.parse(all.toString('utf8')) as T });
      });
      res.on('error', reject);
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (body && chunked) {
      // Several writes, so that the server meets the limit while the body streams.
      for (let at = 0; at < body.length; at += 1024) req.write(body.subarray(at, at + 1024));
      req.end();
    } else req.end(body);
  });
}

export const REQUEST_FOOTAGE = `mutation ($input: RequestFootageInput!) {
  requestFootage(input: $input) { id status from to message caseNumber requestedBy expiresAt camera { id } }
}`;
export const ANSWER = `mutation ($id: ID!, $approve: Boolean!, $note: String) { answerFootageRequest(id: $id, approve: $approve, note: $note) { id status answerNote answeredAt } }`;
export const UPLOAD_LINK = `mutation ($id: ID!) { footageUploadLink(requestId: $id) { url expiresAt } }`;
export const LIST = `query ($filter: FootageRequestFilter) { footageRequests(filter: $filter) { edges { node { id status caseNumber requestedBy camera { id } clips { sha256 sizeBytes contentType uploadedBy uploadedAt download { url expiresAt } } } } pageInfo { hasNextPage endCursor } } }`;
export const ONE = `query ($id: ID!) { footageRequest(id: $id) { id status caseNumber clips { sha256 download { url } } } }`;

/** A window of `minutes` ending `endAgoMinutes` before `now`. */
export function windowBefore(now: Date, minutes: number, endAgoMinutes = 10) {
  const to = new Date(now.getTime() - endAgoMinutes * 60_000);
  return { from: new Date(to.getTime() - minutes * 60_000).toISOString(), to: to.toISOString() };
}

/** One PGlite per test file (for the pglite target), opened before and closed after its tests. */
export function shareEmbedded(target: StorageTarget): { readonly current: PGlite | undefined } {
  const shared: { current: PGlite | undefined } = { current: undefined };
  beforeAll(async () => {
    if (!target.databaseUrl) shared.current = await createEmbeddedPostgres();
  });
  afterAll(async () => {
    await shared.current?.close();
  });
  return shared;
}

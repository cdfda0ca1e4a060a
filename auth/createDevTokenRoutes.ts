import { randomBytes } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { assertNever } from '../errors/assertNever';
import type { Area } from '../geo/areaContains';
import { parseArea } from '../geo/parseArea';
import type { DevIssuer, DevTokenClaims } from './createDevIssuer';
import { ROLES } from './roles';
import { escapeInvisible, quoteUntrusted } from '../errors/quoteUntrusted';

/** Who may ask the development issuer for a token over HTTP (AUTH_DEV_TOKEN_ENDPOINT). */
export type DevTokenEndpointAccess = 'loopback' | 'any' | 'off';

/** What `POST /auth/dev/token` answers. The operator console and the explorer sign in with it. */
export interface DevTokenAnswer {
  readonly token: string;
  /** ISO 8601. */
  readonly expiresAt: string;
  readonly role: string;
  readonly subject: string;
}

/** A token the endpoint is about to hand out, for the audit log; it is handed out only once recorded. */
export interface DevTokenIssued {
  readonly subject: string;
  readonly roles: readonly string[];
  /** The token's `jti`: its later logons name it too. */
  readonly tokenId: string;
  readonly expiresAt: Date;
  /** The TCP peer's address (no forwarded header is believed). */
  readonly clientAddress: string;
}

export interface DevTokenRoutesOptions {
  readonly issuer: Pick<DevIssuer, 'sign'>;
  /** `loopback`: only callers on this machine; `any`: every caller (never on a shared network). */
  readonly access: Exclude<DevTokenEndpointAccess, 'off'>;
  /** Writes the audit record of a token; when it fails, the token is not handed out. */
  readonly record: (issued: DevTokenIssued) => Promise<void>;
  /** How long a token lives, in seconds (default an hour, as `npm run token`'s). */
  readonly ttlSeconds?: number;
}

/** One line per role, for the sign-in pickers of the console and the explorer. */
export const DEV_ROLE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  operator: 'RTCC operator: calls with caller identity, incidents with narrative, units, cameras, video and PTZ.',
  officer: 'Field officer: calls and incidents (within the token\'s geofence when it has one), units, cameras and video; no PTZ.',
  supervisor: 'Supervisor: an operator who also manages devices, dead letters and community camera owners\' contacts.',
  auditor: 'Auditor: the audit log only.',
  partner: 'City partner: incidents with generalised locations, no identities, no narrative, no cameras.',
  'camera-owner': 'Community camera owner: their own cameras and their video only.',
  adapter: 'Adapter service account: adapter status and dead letters only.',
};

/** Largest request body the endpoint reads, in bytes: a role, a subject and a geofence fit. */
export const DEV_TOKEN_BODY_LIMIT = 4096;

const BODY_FIELDS = ['role', 'subject', 'geofence', 'cameraOwner', 'department'] as const;
const SUBJECT = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const LABEL = /^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$/;

/** A request the endpoint refuses, with the reason it answers. */
class DevTokenRefusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * `POST /auth/dev/token` and `GET /auth/dev/roles` of the hub's development issuer, so that a
 * browser on this machine (the console, the explorer) signs in without `npm run token`. Only
 * for a hub that is its own issuer (AUTH_ISSUER unset); a real issuer signs its own tokens.
 * Every token is audited before it is handed out. Registered in a scope of its own: its
 * refusals answer `{ error }` with a reason, not the GraphQL shape of `/graphql`.
 */
export function createDevTokenRoutes(options: DevTokenRoutesOptions): (app: FastifyInstance) => Promise<void> {
  const { issuer, access, record, ttlSeconds = 3600 } = options;
  return async (app) => {
    await app.register(async (scope) => {
      // The body is read as text and parsed here, so that each refusal says what was wrong.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: DEV_TOKEN_BODY_LIMIT }, (_request, body, done) => done(null, body));
      scope.setErrorHandler(async (error: FastifyError | DevTokenRefusal, request, reply) => {
        if (error instanceof DevTokenRefusal) return refuse(reply, error.status, error.message);
        if (error.statusCode === 413) return refuse(reply, 400, `the body is larger than ${DEV_TOKEN_BODY_LIMIT} bytes`);
        if (error.statusCode === 415) return refuse(reply, 400, 'send the body as application/json');
        if (typeof error.statusCode === 'number' && error.statusCode < 500) return refuse(reply, 400, 'the request is malformed');
        request.log.error({ err: error }, 'development token request failed');
        return refuse(reply, 500, 'internal error; see the hub\'s log');
      });
      scope.addHook('onRequest', async (request) => {
        if (access === 'loopback' && !isLoopback(peerAddress(request))) {
          throw new DevTokenRefusal(403, 'the development issuer hands out tokens to callers on this machine only (AUTH_DEV_TOKEN_ENDPOINT=loopback)');
        }
      });

      scope.get('/auth/dev/roles', async () => ({ roles: ROLES.map((role) => ({ role, description: DEV_ROLE_DESCRIPTIONS[role] ?? role })) }));

      scope.post('/auth/dev/token', async (request, reply) => {
        const claims = readTokenRequest(request.body);
        const token = await issuer.sign({ ...claims, ttlSeconds });
        const { tokenId, expiresAt } = registeredClaimsOf(token);
        try {
          await record({ subject: claims.subject, roles: claims.roles, tokenId, expiresAt, clientAddress: peerAddress(request) });
        } catch (error) {
          request.log.error({ err: error }, 'audit record of a development token could not be written; no token handed out');
          return refuse(reply, 503, 'the audit log could not record the token, so none was issued');
        }
        return { token, expiresAt: expiresAt.toISOString(), role: claims.roles[0], subject: claims.subject } satisfies DevTokenAnswer;
      });
    });
  };
}

/** A fresh owner id for a development sign-up: `owner-` and 16 hex digits. */
function randomOwnerId(): string {
  return `owner-${randomBytes(8).toString('hex')}`;
}

/**
 * Validates a token request (a `camera-owner` request without `cameraOwner` signs a new owner up, with a fresh id): `{ role, subject?, geofence? (officer), cameraOwner? (camera-owner), department? }`.
 * A body that names a key twice is refused (JSON.parse would keep the last, so
 * `{"role":"auditor","role":"operator"}` would read as an operator); the geofence signed is the
 * area `parseArea` validated, rebuilt as an AreaInput, never the object as sent.
 */
export function readTokenRequest(body: unknown, newOwnerId: () => string = randomOwnerId): DevTokenClaims & { readonly roles: readonly [string] } {
  if (typeof body !== 'string' || body.trim() === '') throw new DevTokenRefusal(400, 'send a JSON object, e.g. {"role":"operator"}');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new DevTokenRefusal(400, 'the body is not well-formed JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new DevTokenRefusal(400, 'the body must be a JSON object, e.g. {"role":"operator"}');
  const repeated = findRepeatedKey(body);
  if (repeated !== undefined) throw new DevTokenRefusal(400, `the key ${quoteUntrusted(repeated)} appears more than once: name each field once`);
  const fields = parsed as Record<string, unknown>;
  const unknownField = Object.keys(fields).find((key) => !(BODY_FIELDS as readonly string[]).includes(key));
  if (unknownField !== undefined) throw new DevTokenRefusal(400, `unknown field ${quoteUntrusted(unknownField)}: the fields are ${BODY_FIELDS.join(', ')}`);
  const { role, subject, geofence, cameraOwner, department } = fields;
  if (typeof role !== 'string' || !ROLES.includes(role)) {
    throw new DevTokenRefusal(400, `${role === undefined ? 'role is required' : `unknown role ${describeUntrusted(role)}`}: one of ${ROLES.join(', ')}`);
  }
  if (subject !== undefined && (typeof subject !== 'string' || !SUBJECT.test(subject))) {
    throw new DevTokenRefusal(400, 'subject must be 1 to 64 letters, digits and . _ @ -, starting with a letter or digit');
  }
  if (geofence !== undefined && role !== 'officer') throw new DevTokenRefusal(400, 'geofence is for the officer role only');
  const area = geofence === undefined ? undefined : readGeofence(geofence);
  if (cameraOwner !== undefined && role !== 'camera-owner') throw new DevTokenRefusal(400, 'cameraOwner is for the camera-owner role only');
  for (const [name, value] of [['cameraOwner', cameraOwner], ['department', department]] as const) {
    if (value !== undefined && (typeof value !== 'string' || !LABEL.test(value))) throw new DevTokenRefusal(400, `${name} must be 1 to 64 letters, digits, spaces and . _ @ -`);
  }
  // A camera owner who names no owner id signs up: a new owner of the program, their own subject too.
  const signingUp = role === 'camera-owner' && cameraOwner === undefined;
  const owner = signingUp ? newOwnerId() : cameraOwner;
  return {
    subject: typeof subject === 'string' ? subject : signingUp ? (owner as string) : `dev-${role}`,
    roles: [role],
    ...(area !== undefined ? { geofence: areaInputOf(area) } : {}),
    ...(typeof owner === 'string' ? { cameraOwner: owner } : {}),
    ...(typeof department === 'string' ? { department } : {}),
  };
}

/** The fields of an AreaInput and of the inputs inside it (schema `AreaInput`); `null` marks a leaf. */
interface InputShape {
  readonly [field: string]: InputShape | null;
}
const GEO_POINT_INPUT: InputShape = { lat: null, lon: null };
const AREA_INPUT: InputShape = {
  circle: { center: GEO_POINT_INPUT, radiusMeters: null },
  boundingBox: { southWest: GEO_POINT_INPUT, northEast: GEO_POINT_INPUT },
  polygon: { type: null, coordinates: null },
};

/** A geofence with only the AreaInput's fields, validated by `parseArea`. */
function readGeofence(geofence: unknown): Area {
  const unknownKey = findUnknownKey(geofence, AREA_INPUT, 'geofence');
  if (unknownKey) {
    throw new DevTokenRefusal(400, `unknown field ${quoteUntrusted(unknownKey.key)} in ${unknownKey.path}: the fields there are ${Object.keys(unknownKey.shape).join(', ')}`);
  }
  try {
    return parseArea(geofence, 'geofence');
  } catch (error) {
    // parseArea quotes short strings as sent; its message must not carry their invisible characters.
    throw new DevTokenRefusal(400, escapeInvisible((error as Error).message));
  }
}

/** The first key of `value` (or of the objects inside it) that `shape` does not name. Values that are no object are left to `parseArea`. */
function findUnknownKey(value: unknown, shape: InputShape, path: string): { key: string; path: string; shape: InputShape } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (!Object.hasOwn(shape, key)) return { key, path, shape };
    const innerShape = shape[key];
    const found = innerShape ? findUnknownKey(inner, innerShape, `${path}.${key}`) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** `area` as the AreaInput the gateway hands to subscriptions (polygon altitudes, which `parseArea` drops, stay dropped). */
function areaInputOf(area: Area): Record<string, unknown> {
  switch (area.kind) {
    case 'circle':
      return { circle: { center: { lat: area.center.lat, lon: area.center.lon }, radiusMeters: area.radiusMeters } };
    case 'boundingBox':
      return { boundingBox: { southWest: { lat: area.south, lon: area.west }, northEast: { lat: area.north, lon: area.east } } };
    case 'polygon':
      return { polygon: { type: 'Polygon', coordinates: [area.outer, ...area.holes].map((ring) => ring.map(({ lat, lon }) => [lon, lat])) } };
    default:
      return assertNever(area);
  }
}

/**
 * The first object key that `text` (well-formed JSON) names twice in one object, decoded
 * (`"role"` and `"r\u006fle"` are one key), or undefined. JSON.parse keeps the last silently, and
 * a reviver sees only the survivor, so the text's tokens are scanned: a string followed by `:` is
 * a key of the innermost open object.
 */
function findRepeatedKey(text: string): string | undefined {
  const open: (Set<string> | null)[] = [];
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at];
    if (char === '{') open.push(new Set());
    else if (char === '[') open.push(null);
    else if (char === '}' || char === ']') open.pop();
    else if (char === '"') {
      const start = at;
      for (at += 1; at < text.length && text[at] !== '"'; at += 1) if (text[at] === '\\') at += 1;
      let next = at + 1;
      while (/\s/.test(text[next] ?? '')) next += 1;
      const keys = open[open.length - 1];
      if (text[next] !== ':' || !keys) continue;
      const key = JSON.parse(text.slice(start, at + 1)) as string;
      if (keys.has(key)) return key;
      keys.add(key);
    }
  }
  return undefined;
}

/** A value of any JSON type as a refusal may repeat it: strings quoted, lists and objects only named. */
function describeUntrusted(value: unknown): string {
  if (typeof value === 'string') return quoteUntrusted(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

async function refuse(reply: FastifyReply, status: number, reason: string): Promise<FastifyReply> {
  return reply.code(status).type('application/json').send({ error: reason });
}

/** The TCP peer, not `request.ip`: a forwarded header must not make a remote caller look local. */
function peerAddress(request: FastifyRequest): string {
  return request.socket.remoteAddress ?? '';
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 addresses. */
export function isLoopback(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** The id and expiry the issuer just signed into `token` (ours: read, not verified). */
function registeredClaimsOf(token: string): { tokenId: string; expiresAt: Date } {
  const [, payload = ''] = token.split('.');
  const { jti, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti?: unknown; exp?: unknown };
  if (typeof jti !== 'string' || typeof exp !== 'number') throw new Error('the development issuer signed a token without jti or exp');
  return { tokenId: jti, expiresAt: new Date(exp * 1000) };
}

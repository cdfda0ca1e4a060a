import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseArea } from '../geo/parseArea';
import type { DevIssuer, DevTokenClaims } from './createDevIssuer';
import { ROLES } from './roles';

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

/** Validates a token request: `{ role, subject?, geofence? (officer), cameraOwner? (camera-owner), department? }`. */
export function readTokenRequest(body: unknown): DevTokenClaims & { readonly roles: readonly [string] } {
  if (typeof body !== 'string' || body.trim() === '') throw new DevTokenRefusal(400, 'send a JSON object, e.g. {"role":"operator"}');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new DevTokenRefusal(400, 'the body is not well-formed JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new DevTokenRefusal(400, 'the body must be a JSON object, e.g. {"role":"operator"}');
  const fields = parsed as Record<string, unknown>;
  const unknownField = Object.keys(fields).find((key) => !(BODY_FIELDS as readonly string[]).includes(key));
  if (unknownField !== undefined) throw new DevTokenRefusal(400, `unknown field ${JSON.stringify(unknownField)}: the fields are ${BODY_FIELDS.join(', ')}`);
  const { role, subject, geofence, cameraOwner, department } = fields;
  if (typeof role !== 'string' || !ROLES.includes(role)) {
    throw new DevTokenRefusal(400, `${role === undefined ? 'role is required' : `unknown role ${JSON.stringify(role)}`}: one of ${ROLES.join(', ')}`);
  }
  if (subject !== undefined && (typeof subject !== 'string' || !SUBJECT.test(subject))) {
    throw new DevTokenRefusal(400, 'subject must be 1 to 64 letters, digits and . _ @ -, starting with a letter or digit');
  }
  if (geofence !== undefined && role !== 'officer') throw new DevTokenRefusal(400, 'geofence is for the officer role only');
  if (geofence !== undefined) {
    try {
      parseArea(geofence, 'geofence');
    } catch (error) {
      throw new DevTokenRefusal(400, (error as Error).message);
    }
  }
  if (cameraOwner !== undefined && role !== 'camera-owner') throw new DevTokenRefusal(400, 'cameraOwner is for the camera-owner role only');
  for (const [name, value] of [['cameraOwner', cameraOwner], ['department', department]] as const) {
    if (value !== undefined && (typeof value !== 'string' || !LABEL.test(value))) throw new DevTokenRefusal(400, `${name} must be 1 to 64 letters, digits, spaces and . _ @ -`);
  }
  return {
    subject: typeof subject === 'string' ? subject : `dev-${role}`,
    roles: [role],
    ...(geofence !== undefined ? { geofence } : {}),
    ...(typeof cameraOwner === 'string' ? { cameraOwner } : {}),
    ...(typeof department === 'string' ? { department } : {}),
  };
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

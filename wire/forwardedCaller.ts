import type { Area } from '../geo/area';

/**
 * Who asked the gateway, as the gateway tells a subgraph: the verified token's identity and the
 * stated purpose. Subgraphs filter rows with it (a field officer's geofence, a camera owner's
 * own cameras) and the audit trail records it.
 */
export interface ForwardedCaller {
  /** The token's `sub`. */
  readonly subject: string;
  /** The OAuth client the token was issued to, when given. */
  readonly clientId: string | null;
  readonly roles: readonly string[];
  /** The caller's scopes: its roles' scopes and the token's own `scope` claim. */
  readonly scopes: readonly string[];
  /** Field officers: the area they may see calls and incidents in. */
  readonly geofence: Area | null;
  /** Community camera owners: their owner id. */
  readonly cameraOwner: string | null;
  /** City partners and other agencies: who receives the data. */
  readonly department: string | null;
  /** The case or incident number stated for the request (need-to-know, 28 CFR 23.20). */
  readonly purpose: string | null;
}

/**
 * What createSubgraphServer adds to every resolver's context: the caller the gateway forwarded
 * on a signed request, or null when it forwarded none (the shared subscription upstream, and
 * the gateway's own entity fetches for subscription events, carry no caller).
 */
export interface CallerContext {
  readonly caller: ForwardedCaller | null;
}

/** Header of a gateway → subgraph request that carries the caller; covered by the signature. */
export const CALLER_HEADER = 'x-rtcc-caller';

/** The {@link CALLER_HEADER} value: the caller as compact JSON, base64url. */
export function encodeForwardedCaller(caller: ForwardedCaller): string {
  return Buffer.from(JSON.stringify(caller), 'utf8').toString('base64url');
}

/**
 * Reads a {@link CALLER_HEADER} value. The header is signed by the gateway, but it is still
 * checked field by field, so that a resolver never meets a shape it does not expect.
 *
 * @throws Error saying what is malformed
 */
export function decodeForwardedCaller(value: string): ForwardedCaller {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw new Error(`${CALLER_HEADER} is not base64url-encoded JSON`);
  }
  if (!isRecord(parsed)) throw new Error(`${CALLER_HEADER} is not a JSON object`);
  const { subject, clientId, roles, scopes, geofence, cameraOwner, department, purpose } = parsed;
  if (typeof subject !== 'string' || subject === '') throw new Error(`${CALLER_HEADER} has no subject`);
  if (!isStringList(roles)) throw new Error(`${CALLER_HEADER} roles must be a list of strings`);
  if (!isStringList(scopes)) throw new Error(`${CALLER_HEADER} scopes must be a list of strings`);
  if (geofence !== null && !isArea(geofence)) throw new Error(`${CALLER_HEADER} geofence is not an area`);
  return {
    subject,
    clientId: nullableString(clientId, 'clientId'),
    roles,
    scopes,
    geofence,
    cameraOwner: nullableString(cameraOwner, 'cameraOwner'),
    department: nullableString(department, 'department'),
    purpose: nullableString(purpose, 'purpose'),
  };
}

function nullableString(value: unknown, field: string): string | null {
  if (value === null || typeof value === 'string') return value;
  throw new Error(`${CALLER_HEADER} ${field} must be a string or null`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** The shape of a parsed {@link Area} (geo/parseArea has validated its values at the gateway). */
function isArea(value: unknown): value is Area {
  if (!isRecord(value)) return false;
  const isNumber = (field: unknown) => typeof field === 'number' && Number.isFinite(field);
  const isPoint = (point: unknown) => isRecord(point) && isNumber(point.lat) && isNumber(point.lon);
  const isRing = (ring: unknown) => Array.isArray(ring) && ring.every(isPoint);
  switch (value.kind) {
    case 'circle':
      return isPoint(value.center) && isNumber(value.radiusMeters);
    case 'boundingBox':
      return isNumber(value.south) && isNumber(value.west) && isNumber(value.north) && isNumber(value.east);
    case 'polygon':
      return isRing(value.outer) && Array.isArray(value.holes) && value.holes.every(isRing);
    default:
      return false;
  }
}

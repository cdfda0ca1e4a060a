/** A token's payload, decoded without checking it (the hub checks it); empty when it is no JWT. */
function readTokenClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const claims: unknown = JSON.parse(json);
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The roles a token carries, read from its payload (`rolesClaim`, a list or a space-separated
 * string). Only to decide what the screen offers: the hub checks the token on every request.
 */
export function readTokenRoles(token: string, rolesClaim: string): string[] {
  const roles = readTokenClaims(token)[rolesClaim];
  if (Array.isArray(roles)) return roles.filter((role): role is string => typeof role === 'string');
  return typeof roles === 'string' ? roles.split(' ').filter(Boolean) : [];
}

/**
 * The scopes a token gives: its roles' (by the hub's `roleScopes`, /console/config.json) and those
 * of its standard `scope` claim. Only to decide what the screen offers, as readTokenRoles.
 */
export function readTokenScopes(token: string, rolesClaim: string, roleScopes: Readonly<Record<string, readonly string[]>>): Set<string> {
  const scopes = new Set<string>();
  for (const role of readTokenRoles(token, rolesClaim)) for (const scope of Object.hasOwn(roleScopes, role) ? (roleScopes[role] ?? []) : []) scopes.add(scope);
  const claimed = readTokenClaims(token).scope;
  if (typeof claimed === 'string') for (const scope of claimed.split(' ').filter(Boolean)) scopes.add(scope);
  return scopes;
}

/**
 * Whether the token confines its holder to a geofence (a field officer's `geofence` claim): then
 * the console asks for its streams without an area, and the hub watches the geofence for it
 * (an area beyond the geofence is refused).
 */
export function isGeofenced(token: string): boolean {
  const geofence = readTokenClaims(token).geofence;
  return typeof geofence === 'object' && geofence !== null;
}

/** What the console shows a caller, from its roles (the hub enforces the same by scope). */
export interface ConsoleView {
  /** Calls, units and cameras besides incidents: operators, supervisors and officers. */
  readonly full: boolean;
  /** Incidents only, generalised by the hub: city partners. */
  readonly partner: boolean;
  /** PTZ control (cameras:control): operators and supervisors. */
  readonly mayPointCameras: boolean;
}

/** The console's view for these roles; null when no role of them has a console view. */
export function consoleViewOf(roles: readonly string[]): ConsoleView | null {
  const full = roles.some((role) => role === 'operator' || role === 'supervisor' || role === 'officer');
  if (full) return { full, partner: false, mayPointCameras: roles.some((role) => role === 'operator' || role === 'supervisor') };
  if (roles.includes('partner')) return { full: false, partner: true, mayPointCameras: false };
  return null;
}

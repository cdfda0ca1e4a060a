/**
 * The roles a token carries, read from its payload (`rolesClaim`, a list or a space-separated
 * string). Only to decide what the screen offers: the hub checks the token on every request.
 */
export function readTokenRoles(token: string, rolesClaim: string): string[] {
  const payload = token.split('.')[1];
  if (!payload) return [];
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const claims = JSON.parse(json) as Record<string, unknown>;
    const roles = claims[rolesClaim];
    if (Array.isArray(roles)) return roles.filter((role): role is string => typeof role === 'string');
    return typeof roles === 'string' ? roles.split(' ').filter(Boolean) : [];
  } catch {
    return [];
  }
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

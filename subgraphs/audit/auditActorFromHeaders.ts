import type { IncomingHttpHeaders } from 'node:http';

/** Who made a request, as the audit trail records them. */
export interface AuditActor {
  readonly subject: string | null;
  readonly roles: readonly string[];
  readonly clientId: string | null;
  /** The case or incident number stated for the request. */
  readonly purpose: string | null;
}

/**
 * Headers through which the gateway tells a subgraph who is asking, once it has verified the
 * caller's token (the gateway signs its requests to subgraphs, so a caller cannot set them).
 */
export const ACTOR_HEADERS = {
  subject: 'x-rtcc-subject',
  /** Comma-separated. */
  roles: 'x-rtcc-roles',
  clientId: 'x-rtcc-client-id',
  purpose: 'x-rtcc-purpose',
} as const;

/** The actor the gateway forwarded in {@link ACTOR_HEADERS}; absent headers give nulls and no roles. */
export function auditActorFromHeaders(headers: IncomingHttpHeaders): AuditActor {
  const one = (name: string) => {
    const value = headers[name];
    const text = (Array.isArray(value) ? value[0] : value)?.trim();
    return text ? text : null;
  };
  return {
    subject: one(ACTOR_HEADERS.subject),
    roles: (one(ACTOR_HEADERS.roles) ?? '')
      .split(',')
      .map((role) => role.trim())
      .filter((role) => role.length > 0),
    clientId: one(ACTOR_HEADERS.clientId),
    purpose: one(ACTOR_HEADERS.purpose),
  };
}

import type { DomainEvent } from '../../contract';
import type { AuditRecordInput } from '../../audit/auditRecord';

export type { NotificationPort, OwnerNotification } from '../../notifications/notificationPort';

/**
 * What the community subgraph is given by the hub, and what its two halves (the program desk:
 * owners, registrations, terms, live access; the footage desk: requests, clips, notifications)
 * offer each other. Contract only: no implementation here.
 */

/** Where the program's camera events go: the hub's event sink, so that the camera directory hears of approvals and erasures like of any VMS. */
export interface CommunityEventSink {
  emit(event: DomainEvent): Promise<void>;
}

/** Appends one audit record and resolves once it is stored ("no record, no operation"). */
export interface CommunityAudit {
  append(record: AuditRecordInput): Promise<unknown>;
}

/** A community camera as the footage desk needs it. */
export interface ProgramCamera {
  readonly cameraId: string;
  readonly ownerId: string;
  readonly name: string;
  readonly point: { readonly lat: number; readonly lon: number };
  readonly level: 'REGISTERED' | 'INTEGRATED';
  readonly status: 'PENDING' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN';
}

/** How to reach an owner, for notifications; null once erased. */
export interface ProgramOwnerContact {
  readonly ownerId: string;
  readonly displayName: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly notifyBy: 'EMAIL' | 'SMS' | 'NONE';
}

/** What the program desk tells the footage desk. */
export interface ProgramDirectory {
  /** The approved (or withdrawn, kept) community camera, or null: unknown, pending, rejected, erased. */
  cameraOf(cameraId: string): Promise<ProgramCamera | null>;
  contactOf(ownerId: string): Promise<ProgramOwnerContact | null>;
  /**
   * Every registered camera that is not erased (pending, approved, rejected, withdrawn), for the
   * program view (`communityProgram`): counts by level, area and status. Ids and points only are used.
   */
  programCameras(): Promise<readonly ProgramCamera[]>;
}

/** Signs and checks the hub's short-lived links (`/community/...`): media, uploads, downloads. */
export interface LinkSigner {
  /** A link path (or absolute URL with HUB_PUBLIC_URL) for `claims`, valid for `ttlMs`. */
  sign(kind: LinkKind, claims: Readonly<Record<string, string>>, ttlMs: number): { readonly url: string; readonly expiresAt: Date };
  /** The claims of a token from a link, or the reason it is refused (bad signature, expired, another kind). */
  verify(kind: LinkKind, token: string): { readonly ok: true; readonly claims: Readonly<Record<string, string>> } | { readonly ok: false; readonly reason: string };
}

export type LinkKind = 'media' | 'upload' | 'download';

/** Community Connect's shapes, as the pages' documents (communityOperations.ts) select them. */

export type CameraLevel = 'CITY' | 'REGISTERED' | 'INTEGRATED';
export type SharingMode = 'ALWAYS' | 'SCHEDULE' | 'ALARM' | 'NEVER';
export type Weekday = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';
export const WEEKDAYS: readonly Weekday[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
export type RegistrationStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN';
export type FootageRequestStatus = 'OPEN' | 'APPROVED' | 'DENIED' | 'FULFILLED' | 'EXPIRED';
export type NotificationChannel = 'EMAIL' | 'SMS' | 'NONE';

export interface CameraAccess {
  readonly level: CameraLevel;
  readonly liveNow: boolean;
  readonly liveUntil: string | null;
  readonly liveFrom?: string | null;
  readonly canRequestFootage: boolean;
}

/** Access with the hub's signed links (docked tiles, asked with a stated purpose). */
export interface CameraAccessLinks extends CameraAccess {
  readonly snapshotUrl: string | null;
  readonly streams: readonly { readonly protocol: string; readonly url: string; readonly expiresAt: string }[] | null;
}

export interface WeeklyWindow {
  readonly day: Weekday;
  readonly from: string;
  readonly to: string;
}

export interface SharingTerms {
  readonly mode: SharingMode;
  readonly schedule: readonly WeeklyWindow[];
  readonly alarmMinutes: number;
  readonly timeZone: string;
}

/** What setSharingTerms and registerCamera take. */
export interface SharingTermsInput {
  readonly mode: SharingMode;
  readonly schedule?: readonly WeeklyWindow[];
  readonly alarmMinutes?: number;
  readonly level?: CameraLevel;
}

export interface OwnerRegistration {
  readonly id: string;
  readonly name: string;
  readonly level: CameraLevel;
  readonly status: RegistrationStatus;
  readonly registeredAt: string;
  readonly decidedAt: string | null;
  readonly decisionNote: string | null;
  readonly headingDegrees: number | null;
  readonly fieldOfViewDegrees: number | null;
  readonly rangeMeters: number | null;
  readonly location: { readonly point: { readonly lat: number; readonly lon: number }; readonly address: string | null };
  readonly terms: SharingTerms;
  readonly camera: { readonly id: string; readonly access: CameraAccess | null } | null;
}

export interface AlarmWebhook {
  readonly url: string;
  readonly secret?: string | null;
  readonly configured: boolean;
  readonly activeUntil: string | null;
}

export interface CommunityOwner {
  readonly id: string;
  readonly displayName: string | null;
  readonly joinedAt: string;
  readonly contact: { readonly name: string | null; readonly phone: string | null; readonly email: string | null; readonly notifyBy: NotificationChannel } | null;
  readonly alarmWebhook: AlarmWebhook;
  readonly registrations?: readonly OwnerRegistration[];
}

export interface FootageClip {
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly contentType: string;
  readonly uploadedBy: string;
  readonly uploadedAt: string;
  readonly download?: { readonly url: string; readonly expiresAt: string } | null;
}

export interface FootageRequest {
  readonly id: string;
  readonly camera: { readonly id: string; readonly name?: string | null } | null;
  readonly from: string;
  readonly to: string;
  readonly message: string | null;
  readonly caseNumber?: string | null;
  readonly requestedBy?: string | null;
  readonly status: FootageRequestStatus;
  readonly requestedAt: string;
  readonly expiresAt: string;
  readonly answeredAt: string | null;
  readonly answerNote: string | null;
  readonly clips: readonly FootageClip[];
}

export interface Connection<T> {
  readonly edges: readonly { readonly node: T }[];
  readonly pageInfo?: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

/** "live until 14:00", "live", "not live (opens Mon 18:00)", for an access. */
export function describeAccess(access: CameraAccess | null | undefined): string {
  if (!access) return 'not in the directory yet';
  if (access.level === 'CITY') return 'city camera';
  if (access.level === 'REGISTERED') return 'registered (footage on request)';
  if (access.liveNow) return access.liveUntil ? `live until ${formatTime(access.liveUntil)}` : 'live';
  return access.liveFrom ? `not live now (opens ${formatTime(access.liveFrom)})` : 'not live now';
}

/** A short local date and time. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

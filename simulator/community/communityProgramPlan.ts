import { type CameraDiscovered, type DomainEvent } from '../../contract';
import { createRandom } from '../createRandom';
import { simulatedPersonName, simulatedPhoneNumber } from '../simulatedPeople';

/**
 * The simulated city's Community Connect program, planned from its community cameras: who the
 * owners are, which cameras each registers at which level and on which terms, and how they answer
 * footage requests. Pure: the same seed and cameras give the same plan; nothing here talks to a
 * hub (see `enrolSimulatedOwners` and `createSimulatedOwnerDesk`, which carry it out through the
 * hub's public API).
 *
 * Everything personal is made up on reserved ranges: names from the simulation's people,
 * telephone numbers in 555-0100…0199 (fiction in the NANP), email addresses at example.org
 * (RFC 2606).
 */

/** A weekday as the SDL names it. */
export type PlanWeekday = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';

/** One weekly window, local time in the agency's time zone (`to` at or before `from` ends the next day). */
export interface PlanWindow {
  readonly day: PlanWeekday;
  readonly from: string;
  readonly to: string;
}

/** Sharing terms as `SharingTermsInput` takes them. */
export interface PlanTerms {
  readonly mode: 'ALWAYS' | 'SCHEDULE' | 'ALARM' | 'NEVER';
  readonly schedule?: readonly PlanWindow[];
  readonly alarmMinutes?: number;
}

/** One camera an owner registers. */
export interface PlannedCamera {
  /** The simulation's id of the camera (`cam-0123`): its snapshot scene; never the hub's id, which the program gives. */
  readonly simCameraId: string;
  readonly name: string;
  readonly point: { readonly lat: number; readonly lon: number };
  readonly address: string | null;
  readonly headingDegrees: number | null;
  readonly fieldOfViewDegrees: number | null;
  readonly rangeMeters: number | null;
  readonly level: 'REGISTERED' | 'INTEGRATED';
  readonly terms: PlanTerms;
  /** Staff approve it at enrolment; false: it waits in the review queue, as a new sign-up does. */
  readonly approve: boolean;
  /**
   * The owner registers it at level REGISTERED and switches it to its (scheduled) terms with
   * `setSharingTerms` once staff approved it, as the owner journey goes; the other
   * cameras are registered with their terms at once. A few only: each is another round trip at start.
   */
  readonly integrateLater: boolean;
}

/** A simulated owner: a business with one or more cameras. */
export interface PlannedOwner {
  /** The owner id their token carries (`camera_owner`). */
  readonly ownerId: string;
  readonly displayName: string;
  readonly contactName: string;
  readonly phone: string;
  readonly email: string;
  readonly notifyBy: 'EMAIL' | 'SMS';
  readonly cameras: readonly PlannedCamera[];
}

/** How a simulated owner answers one footage request. */
export type PlannedAnswer =
  | { readonly kind: 'approve'; readonly afterMs: number; readonly note: string }
  | { readonly kind: 'deny'; readonly afterMs: number; readonly note: string }
  | { readonly kind: 'ignore' };

export interface CommunityProgramPlan {
  readonly owners: readonly PlannedOwner[];
  /** The owner whose alarm system is wired to the webhook (their ALARM cameras open on it); null when no owner shares live. */
  readonly alarmOwnerId: string | null;
  /** How an owner answers a request, a function of the seed and the request's id only. */
  answerOf(requestId: string): PlannedAnswer;
}

export interface CommunityProgramPlanOptions {
  readonly seed: number;
  /** The simulation's initial events: the community cameras among them are planned, the rest ignored. */
  readonly initialEvents: readonly DomainEvent[];
  /** Share of requests approved (then a clip is uploaded); default 0.7. */
  readonly approveShare?: number;
  /** Share of requests denied with a note; default 0.15. The rest are left to expire. */
  readonly denyShare?: number;
  /** Longest simulated time an owner takes to answer; default 90 s (at least 5 s). */
  readonly longestAnswerMs?: number;
}

/** The random stream of the program (the simulation uses 0–3). */
const PROGRAM_STREAM = 7;
/** Of integrated cameras of owners other than the alarm owner: this share shares always, the rest on a schedule. */
const ALWAYS_SHARE = 0.45;
/** Scheduled cameras whose owner integrates them only after approval (`setSharingTerms`). */
const INTEGRATE_LATER_MAX = 5;
/** Of all cameras, about one in this many waits for staff (not approved at enrolment). */
const PENDING_ONE_IN = 25;

const WEEKDAYS: readonly PlanWeekday[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'];

/** The schedules businesses keep: open hours, evenings and nights (a window past midnight), weekends. */
const SCHEDULES: readonly (readonly PlanWindow[])[] = [
  [...WEEKDAYS.map((day) => ({ day, from: '08:00', to: '18:00' })), { day: 'SATURDAY', from: '09:00', to: '14:00' }],
  WEEKDAYS.map((day) => ({ day, from: '07:00', to: '19:00' })),
  // After closing, until opening: each window ends the next morning.
  [...WEEKDAYS, 'SATURDAY' as const, 'SUNDAY' as const].map((day) => ({ day, from: '20:00', to: '06:00' })),
  [
    { day: 'FRIDAY', from: '18:00', to: '23:59' },
    { day: 'SATURDAY', from: '00:00', to: '23:59' },
    { day: 'SUNDAY', from: '00:00', to: '22:00' },
  ],
];

const DENY_NOTES = [
  'That camera was not recording then.',
  'The recorder overwrote that window already.',
  'Please ask our head office; we cannot export footage here.',
];

/** Plans the program from the city's community cameras (`cameraSource` COMMUNITY_LIVE or COMMUNITY_REGISTERED). */
export function planCommunityProgram(options: CommunityProgramPlanOptions): CommunityProgramPlan {
  const { seed, initialEvents, approveShare = 0.7, denyShare = 0.15, longestAnswerMs = 90_000 } = options;
  if (!(approveShare >= 0 && denyShare >= 0 && approveShare + denyShare <= 1)) {
    throw new RangeError('planCommunityProgram: approveShare and denyShare must be >= 0 and add up to at most 1');
  }
  if (!(Number.isFinite(longestAnswerMs) && longestAnswerMs >= 5_000)) throw new RangeError('planCommunityProgram: longestAnswerMs must be at least 5000');
  const random = createRandom(seed, PROGRAM_STREAM);
  const byOwner = new Map<string, { owner: NonNullable<CameraDiscovered['owner']>; cameras: CameraDiscovered[] }>();
  for (const event of initialEvents) {
    if (!isCommunityCamera(event) || !event.owner) continue;
    const entry = byOwner.get(event.owner.ownerId) ?? { owner: event.owner, cameras: [] };
    entry.cameras.push(event);
    byOwner.set(event.owner.ownerId, entry);
  }
  const ownerIds = [...byOwner.keys()].sort();
  // The owner with the most live cameras has an alarm system (ties: the first by id).
  const liveCount = (ownerId: string) => byOwner.get(ownerId)!.cameras.filter((camera) => camera.cameraSource === 'COMMUNITY_LIVE').length;
  const alarmOwnerId = ownerIds.reduce<string | null>((best, id) => (liveCount(id) > 0 && (best === null || liveCount(id) > liveCount(best)) ? id : best), null);

  let integrateLater = 0;
  const owners = ownerIds.map((ownerId): PlannedOwner => {
    const { owner, cameras } = byOwner.get(ownerId)!;
    const slug = ownerId.replace(/^owner-/, '');
    const phoneFirst = random.chance(0.25);
    // An owner's camera names are unique: the enrolment recognises what a kept hub already holds by them.
    const seen = new Map<string, number>();
    const uniqueName = (name: string) => {
      const count = (seen.get(name) ?? 0) + 1;
      seen.set(name, count);
      return count === 1 ? name : `${name} ${count}`;
    };
    return {
      ownerId,
      displayName: owner.name ?? slug,
      contactName: simulatedPersonName(ownerId),
      phone: simulatedPhoneNumber(ownerId),
      email: `${slug}@example.org`,
      notifyBy: phoneFirst ? 'SMS' : 'EMAIL',
      cameras: cameras.map((camera): PlannedCamera => {
        const integrated = camera.cameraSource === 'COMMUNITY_LIVE';
        const terms: PlanTerms = !integrated
          ? { mode: 'NEVER' }
          : ownerId === alarmOwnerId
            ? { mode: 'ALARM', alarmMinutes: random.pick([10, 15, 30]) }
            : random.chance(ALWAYS_SHARE)
              ? { mode: 'ALWAYS' }
              : { mode: 'SCHEDULE', schedule: random.pick(SCHEDULES) };
        // The alarm owner's cameras are always approved: the webhook demonstration needs them.
        const approve = ownerId === alarmOwnerId || random.int(1, PENDING_ONE_IN) !== 1;
        const later = approve && terms.mode === 'SCHEDULE' && integrateLater < INTEGRATE_LATER_MAX;
        if (later) integrateLater += 1;
        return {
          simCameraId: camera.cameraId,
          name: uniqueName(camera.name),
          point: { lat: camera.location.point.lat, lon: camera.location.point.lon },
          address: camera.location.address ?? null,
          headingDegrees: camera.headingDegrees ?? null,
          fieldOfViewDegrees: camera.fieldOfViewDegrees ?? null,
          rangeMeters: camera.rangeMeters ?? null,
          level: integrated ? 'INTEGRATED' : 'REGISTERED',
          terms,
          approve,
          integrateLater: later,
        };
      }),
    };
  });

  return {
    owners,
    alarmOwnerId,
    answerOf(requestId) {
      // A function of the seed and the id alone, so that an owner answers a request the same way however often asked.
      const draw = createRandom(seed ^ hashOf(requestId), PROGRAM_STREAM);
      const roll = draw.float();
      const afterMs = draw.int(5_000, longestAnswerMs);
      if (roll < approveShare) return { kind: 'approve', afterMs, note: 'Clip attached.' };
      if (roll < approveShare + denyShare) return { kind: 'deny', afterMs, note: draw.pick(DENY_NOTES) };
      return { kind: 'ignore' };
    },
  };
}

/** A community camera's discovery, as the simulation emits it. */
export function isCommunityCamera(event: DomainEvent): event is CameraDiscovered {
  return event.type === 'camera.discovered' && (event.cameraSource === 'COMMUNITY_LIVE' || event.cameraSource === 'COMMUNITY_REGISTERED');
}

/** FNV-1a, 32 bits. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index += 1) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

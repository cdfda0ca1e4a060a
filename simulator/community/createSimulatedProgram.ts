import { createHmac } from 'node:crypto';
import { type SnapshotScene } from '../devices/renderCameraSnapshot';
import { type CommunityProgramPlan, type PlannedCamera, type PlannedOwner } from './communityProgramPlan';
import { FOOTAGE_CLIP_CONTENT_TYPE, renderFootageClip } from './renderFootageClip';

/** Who the simulated program acts as: one of its owners, or the police staff who review registrations. */
export type ProgramActor = { readonly ownerId: string } | 'staff';

/** The few log calls the program makes (a pino logger fits). */
export interface ProgramLog {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
}

/** Options of {@link createSimulatedProgram}. */
export interface SimulatedProgramOptions {
  readonly plan: CommunityProgramPlan;
  /** The hub's GraphQL endpoint (its gateway); the program's HTTP routes are at the same origin. */
  readonly gatewayUrl: string;
  /** A bearer token for `actor`: a `camera-owner` token with the owner's id, or a supervisor's. */
  readonly tokenFor: (actor: ProgramActor) => Promise<string>;
  /** The owner's camera's own stream and still addresses (the simulated camera on this machine). */
  readonly streamUrlOf: (simCameraId: string) => string;
  readonly snapshotUrlOf: (simCameraId: string) => string;
  /** The camera's picture, for the clips owners upload; null when the simulation has no such camera. */
  readonly sceneOf: (simCameraId: string) => Omit<SnapshotScene, 'at'> | null;
  readonly now: () => Date;
  /** Calls `fn` every `everyMs` until the returned function is called. */
  readonly schedule: (everyMs: number, fn: () => void) => () => void;
  /** How often the owners look at their footage requests; default 5000 ms. */
  readonly deskEveryMs?: number;
  /** How often the alarm owner's alarm goes off; default every 20 minutes (and once at start). */
  readonly alarmEveryMs?: number;
  readonly log: ProgramLog;
  /** Default the global `fetch`. */
  readonly fetch?: typeof fetch;
}

/** What an enrolment did. */
export interface EnrolmentReport {
  /** Cameras the hub already held for the program's owners (a restart on kept data), left as they were. */
  readonly kept: number;
  readonly registered: number;
  readonly approved: number;
  /** Cameras whose owner switched them to integrated on a schedule once approved. */
  readonly termsSet: number;
  /** Whether the alarm owner's webhook secret was set. */
  readonly alarmConfigured: boolean;
  readonly ms: number;
}

/** What one pass of the owners' desk did. */
export interface DeskReport {
  readonly approved: number;
  readonly denied: number;
  readonly uploaded: number;
  readonly failed: number;
}

export interface SimulatedProgram {
  /** Signs the owners up and registers their cameras through the API, staff approve them; idempotent on a hub's kept data. Stops between steps (rejecting) once `stop` is called. */
  enrol(): Promise<EnrolmentReport>;
  /** One pass of the owners' desk: requests whose answer is due are answered, approved ones get their clip. */
  answerDue(): Promise<DeskReport>;
  /** The alarm owner's alarm system calls the webhook (signed); resolves to the HTTP status, or null when no alarm is configured. */
  triggerAlarm(active?: boolean): Promise<number | null>;
  /** The hub's camera ids of an owner's cameras (known after `enrol`). */
  cameraIdsOf(ownerId: string): readonly string[];
  /** The alarm webhook as configured at enrolment (URL and secret), for demonstrations and tests; null before or without one. */
  alarmWebhook(): { readonly ownerId: string; readonly url: string; readonly secret: string } | null;
  /** Starts the desk and alarm timers (after `enrol`). */
  start(): void;
  /** Stops the timers and waits for a pass in progress. */
  stop(): Promise<void>;
}

interface GraphQLAnswer<T> {
  readonly data?: T | null;
  readonly errors?: readonly { readonly message: string; readonly extensions?: { readonly code?: string } }[];
}

interface KeptRegistration {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly owner: { readonly id: string } | null;
  readonly camera: { readonly id: string };
}

interface OwnedRequest {
  readonly id: string;
  readonly status: 'OPEN' | 'APPROVED' | 'DENIED' | 'FULFILLED' | 'EXPIRED';
  readonly from: string;
  readonly to: string;
  readonly requestedAt: string;
  readonly camera: { readonly id: string };
  readonly clips: readonly { readonly sha256: string }[];
}

/** Registrations or requests asked for at once (the SDL's page limit). */
const PAGE = 100;
/** Mutations sent in one document (aliases): one round trip for many cameras. */
const BATCH = 40;
/** Owners who enrol at the same time. */
const ENROLMENT_CONCURRENCY = 4;
/** A request the owner's desk failed on this often is left alone. */
const MAX_ATTEMPTS = 3;

/**
 * Carries out the simulated city's Community Connect program against a running hub, only through
 * its public API, as a real program's owners and staff would: owners sign up (`saveOwnerProfile`)
 * and register their cameras (`registerCamera`, their stream and still on the simulated city's
 * snapshot server), staff approve them (`approveRegistration`), some owners then integrate on a
 * schedule (`setSharingTerms`); the alarm owner sets a webhook secret (`rotateAlarmSecret`) and
 * their alarm system POSTs to it now and then, signed. Afterwards the owners' desk answers the
 * footage requests police send, per the plan (`answerFootageRequest`), and uploads a clip for the
 * approved ones (`footageUploadLink`, then PUT).
 */
export function createSimulatedProgram(options: SimulatedProgramOptions): SimulatedProgram {
  const { plan, gatewayUrl, tokenFor, now, schedule, log, deskEveryMs = 5_000, alarmEveryMs = 20 * 60_000 } = options;
  const send = options.fetch ?? fetch;
  const origin = new URL(gatewayUrl).origin;
  const ownersById = new Map(plan.owners.map((owner) => [owner.ownerId, owner]));
  /** Hub camera id → the owner and the planned camera, for the owners' program cameras. */
  const cameras = new Map<string, { readonly owner: PlannedOwner; readonly camera: PlannedCamera }>();
  let alarm: { ownerId: string; url: string; secret: string } | null = null;
  const attempts = new Map<string, number>();
  let cancels: (() => void)[] = [];
  let inFlight: Promise<unknown> | null = null;
  let stopped = false;

  const graphql = async <T>(actor: ProgramActor, query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await send(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(actor)}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json().catch(() => ({}))) as GraphQLAnswer<T>;
    if (body.errors?.length || !body.data) {
      const first = body.errors?.[0];
      throw new Error(`community program: ${first ? `${first.extensions?.code ?? 'ERROR'} ${first.message}` : `HTTP ${response.status} without data`}`);
    }
    return body.data;
  };

  const keptRegistrations = async (): Promise<KeptRegistration[]> => {
    const kept: KeptRegistration[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { registrations: { edges: { node: KeptRegistration }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await graphql(
        'staff',
        'query ($after: String) { registrations(first: 100, after: $after) { edges { node { id name status owner { id } camera { id } } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      kept.push(...page.registrations.edges.map((edge) => edge.node));
      if (!page.registrations.pageInfo.hasNextPage || page.registrations.edges.length < 1) return kept;
      after = page.registrations.pageInfo.endCursor;
    }
  };

  /**
   * Aliased mutations `m0`, `m1` … in documents of at most BATCH, after `lead` (a field that goes
   * first, in the first document); returns each answer in order.
   */
  const batched = async <T>(
    actor: ProgramActor,
    items: readonly T[],
    field: (item: T, index: number) => { args: string; variables: Record<string, [string, unknown]> },
    selection: string,
    lead?: { readonly field: string; readonly variables: Record<string, [string, unknown]> },
  ): Promise<unknown[]> => {
    const answers: unknown[] = [];
    for (let start = 0; start < items.length; start += BATCH) {
      const slice = items.slice(start, start + BATCH);
      const declarations: string[] = [];
      const variables: Record<string, unknown> = {};
      const first = start === 0 && lead ? [lead] : [];
      for (const { variables: own } of first) {
        for (const [name, [type, value]] of Object.entries(own)) {
          declarations.push(`$${name}: ${type}`);
          variables[name] = value;
        }
      }
      const fields = slice.map((item, index) => {
        const { args, variables: own } = field(item, index);
        for (const [name, [type, value]] of Object.entries(own)) {
          declarations.push(`$${name}: ${type}`);
          variables[name] = value;
        }
        return `m${index}: ${args} ${selection}`;
      });
      const document = `mutation${declarations.length > 0 ? ` (${declarations.join(', ')})` : ''} { ${[...first.map((item) => item.field), ...fields].join(' ')} }`;
      const data = await graphql<Record<string, unknown>>(actor, document, variables);
      answers.push(...slice.map((_, index) => data[`m${index}`]));
    }
    return answers;
  };

  /** An enrolment stops between steps once `stop` was called (the hub is closing). */
  const stopIfStopped = () => {
    if (stopped) throw new Error('community program: stopped');
  };

  const enrol = async (): Promise<EnrolmentReport> => {
    const startedMs = performance.now();
    const kept = await keptRegistrations();
    const keptByOwner = new Map<string, KeptRegistration[]>();
    for (const registration of kept) {
      const ownerId = registration.owner?.id;
      if (!ownerId || !ownersById.has(ownerId)) continue;
      keptByOwner.set(ownerId, [...(keptByOwner.get(ownerId) ?? []), registration]);
    }
    let keptCount = 0;
    let registered = 0;
    const toApprove: { id: string; cameraId: string; owner: PlannedOwner; camera: PlannedCamera }[] = [];
    // Owners sign up side by side, as residents do; each one's profile and cameras go in one document.
    await inPool(plan.owners, async (owner) => {
      stopIfStopped();
      const ownKept = keptByOwner.get(owner.ownerId) ?? [];
      for (const registration of ownKept) {
        const camera = owner.cameras.find((candidate) => candidate.name === registration.name);
        if (camera) cameras.set(registration.camera.id, { owner, camera });
      }
      keptCount += ownKept.length;
      const missing = owner.cameras.filter((camera) => !ownKept.some((registration) => registration.name === camera.name));
      if (missing.length === 0) return;
      const profile = { displayName: owner.displayName, contactName: owner.contactName, phone: owner.phone, email: owner.email, notifyBy: owner.notifyBy };
      const answers = (await batched(
        { ownerId: owner.ownerId },
        missing,
        (camera, index) => ({ args: `registerCamera(input: $r${index})`, variables: { [`r${index}`]: ['RegisterCameraInput!', registrationInput(camera)] } }),
        '{ id camera { id } }',
        ownKept.length === 0 ? { field: 'profile: saveOwnerProfile(input: $profile) { id }', variables: { profile: ['OwnerProfileInput!', profile] } } : undefined,
      )) as { id: string; camera: { id: string } }[];
      answers.forEach((answer, index) => {
        const camera = missing[index]!;
        cameras.set(answer.camera.id, { owner, camera });
        if (camera.approve) toApprove.push({ id: answer.id, cameraId: answer.camera.id, owner, camera });
      });
      registered += missing.length;
    });
    const registeredMs = Math.round(performance.now() - startedMs);
    stopIfStopped();
    await batched('staff', toApprove, ({ id }, index) => ({ args: `approveRegistration(id: $a${index}, approve: true)`, variables: { [`a${index}`]: ['ID!', id] } }), '{ id status }');
    // Owners who integrate on a schedule do it once staff have approved the camera, as the issue's journey goes.
    const approvedMs = Math.round(performance.now() - startedMs);
    let termsSet = 0;
    await inPool(plan.owners, async (owner) => {
      stopIfStopped();
      const scheduled = toApprove.filter((entry) => entry.owner === owner && entry.camera.integrateLater);
      if (scheduled.length === 0) return;
      await batched(
        { ownerId: owner.ownerId },
        scheduled,
        ({ camera, cameraId }, index) => ({
          args: `setSharingTerms(cameraId: $c${index}, terms: $t${index})`,
          variables: { [`c${index}`]: ['ID!', cameraId], [`t${index}`]: ['SharingTermsInput!', { mode: 'SCHEDULE', schedule: camera.terms.schedule, level: 'INTEGRATED' }] },
        }),
        '{ id }',
      );
      termsSet += scheduled.length;
    });
    const alarmConfigured = await configureAlarm();
    const report = { kept: keptCount, registered, approved: toApprove.length, termsSet, alarmConfigured, ms: Math.round(performance.now() - startedMs) };
    log.info({ ...report, registeredMs, approvedMs }, 'simulated community program enrolled');
    return report;
  };

  /** The alarm owner's alarm system gets a fresh secret (the hub keeps it; a restarted simulation has none) and goes off once. */
  const configureAlarm = async (): Promise<boolean> => {
    const ownerId = plan.alarmOwnerId;
    if (ownerId === null || ![...cameras.values()].some((entry) => entry.owner.ownerId === ownerId)) return false;
    const { rotateAlarmSecret } = await graphql<{ rotateAlarmSecret: { url: string; secret: string | null } }>({ ownerId }, 'mutation { rotateAlarmSecret { url secret } }');
    if (!rotateAlarmSecret.secret) throw new Error('community program: rotateAlarmSecret answered no secret');
    alarm = { ownerId, url: new URL(rotateAlarmSecret.url, origin).href, secret: rotateAlarmSecret.secret };
    return true;
  };

  const triggerAlarm = async (active = true): Promise<number | null> => {
    if (!alarm) return null;
    const body = JSON.stringify({ active });
    const timestamp = String(Math.floor(now().getTime() / 1000));
    const signature = createHmac('sha256', alarm.secret).update(`${timestamp}.${body}`).digest('hex');
    const response = await send(alarm.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-rtcc-timestamp': timestamp, 'x-rtcc-signature': `sha256=${signature}` },
      body,
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.status !== 200 && response.status !== 202 && response.status !== 204) log.warn({ status: response.status }, 'simulated alarm webhook refused');
    return response.status;
  };

  const answerDue = async (): Promise<DeskReport> => {
    const report = { approved: 0, denied: 0, uploaded: 0, failed: 0 };
    // Staff's list says which owners have work; each owner then reads and answers their own, as themselves.
    const { footageRequests } = await graphql<{ footageRequests: { edges: { node: { id: string; status: string; requestedAt: string; camera: { id: string } } }[] } }>(
      'staff',
      `{ footageRequests(first: ${PAGE}, filter: { status: [OPEN, APPROVED] }) { edges { node { id status requestedAt camera { id } } } } }`,
    );
    // Only owners with something due: a request they will answer whose delay has passed, or an approved one without its clip.
    const owners = new Set<PlannedOwner>();
    for (const { node } of footageRequests.edges) {
      const entry = cameras.get(node.camera.id);
      if (!entry || (attempts.get(node.id) ?? 0) >= MAX_ATTEMPTS) continue;
      const answer = plan.answerOf(node.id);
      const due = answer.kind !== 'ignore' && (node.status === 'APPROVED' || now().getTime() - Date.parse(node.requestedAt) >= answer.afterMs);
      if (due) owners.add(entry.owner);
    }
    for (const owner of owners) {
      if (stopped) break;
      const actor = { ownerId: owner.ownerId };
      const { footageRequests: own } = await graphql<{ footageRequests: { edges: { node: OwnedRequest }[] } }>(
        actor,
        `{ footageRequests(first: ${PAGE}, filter: { status: [OPEN, APPROVED] }) { edges { node { id status from to requestedAt camera { id } clips { sha256 } } } } }`,
      );
      for (const { node: request } of own.edges) {
        if ((attempts.get(request.id) ?? 0) >= MAX_ATTEMPTS) continue;
        try {
          await work(actor, request, report);
        } catch (error) {
          attempts.set(request.id, (attempts.get(request.id) ?? 0) + 1);
          report.failed += 1;
          log.warn({ err: error, requestId: request.id }, 'simulated owner could not answer a footage request');
        }
      }
    }
    return report;
  };

  const work = async (actor: { ownerId: string }, request: OwnedRequest, report: { approved: number; denied: number; uploaded: number }) => {
    const answer = plan.answerOf(request.id);
    if (answer.kind === 'ignore') return;
    let status = request.status;
    if (status === 'OPEN') {
      if (now().getTime() - Date.parse(request.requestedAt) < answer.afterMs) return;
      const approve = answer.kind === 'approve';
      await graphql(actor, 'mutation ($id: ID!, $approve: Boolean!, $note: String) { answerFootageRequest(id: $id, approve: $approve, note: $note) { id status } }', {
        id: request.id,
        approve,
        note: answer.note,
      });
      if (approve) report.approved += 1;
      else report.denied += 1;
      status = approve ? 'APPROVED' : 'DENIED';
    }
    if (status !== 'APPROVED' || request.clips.length > 0) return;
    const entry = cameras.get(request.camera.id);
    const scene = entry ? options.sceneOf(entry.camera.simCameraId) : null;
    if (!scene) throw new Error(`no picture of camera ${request.camera.id}`);
    const clip = renderFootageClip(scene, { from: new Date(request.from), to: new Date(request.to) });
    const { footageUploadLink } = await graphql<{ footageUploadLink: { url: string } }>(actor, 'mutation ($id: ID!) { footageUploadLink(requestId: $id) { url } }', { id: request.id });
    const response = await send(new URL(footageUploadLink.url, origin), { method: 'PUT', headers: { 'content-type': FOOTAGE_CLIP_CONTENT_TYPE }, body: new Uint8Array(clip) });
    const text = await response.text().catch(() => '');
    if (!response.ok) throw new Error(`upload refused: HTTP ${response.status} ${text.slice(0, 200)}`);
    report.uploaded += 1;
  };

  /** Runs one timer task at a time; a tick that finds one running is skipped. */
  const exclusive = (task: () => Promise<unknown>, what: string) => () => {
    if (inFlight || stopped) return;
    inFlight = task()
      .catch((error: unknown) => log.warn({ err: error }, `simulated community ${what} failed`))
      .finally(() => {
        inFlight = null;
      });
  };

  function registrationInput(camera: PlannedCamera): Record<string, unknown> {
    // A few scheduled cameras start registered only and integrate once approved (setSharingTerms).
    const startsRegistered = camera.integrateLater;
    const level = startsRegistered ? 'REGISTERED' : camera.level;
    return {
      name: camera.name,
      point: camera.point,
      address: camera.address,
      headingDegrees: camera.headingDegrees,
      fieldOfViewDegrees: camera.fieldOfViewDegrees,
      rangeMeters: camera.rangeMeters,
      level,
      ...(camera.level === 'INTEGRATED' ? { streamUrl: options.streamUrlOf(camera.simCameraId), snapshotUrl: options.snapshotUrlOf(camera.simCameraId) } : {}),
      terms: startsRegistered
        ? { mode: 'NEVER' }
        : { mode: camera.terms.mode, ...(camera.terms.schedule ? { schedule: camera.terms.schedule } : {}), ...(camera.terms.alarmMinutes ? { alarmMinutes: camera.terms.alarmMinutes } : {}) },
    };
  }

  return {
    enrol,
    answerDue,
    triggerAlarm,
    cameraIdsOf: (ownerId) => [...cameras].filter(([, entry]) => entry.owner.ownerId === ownerId).map(([cameraId]) => cameraId),
    alarmWebhook: () => alarm,
    start() {
      if (stopped || cancels.length > 0) return;
      cancels.push(schedule(deskEveryMs, exclusive(answerDue, 'owners\' desk')));
      if (alarm) {
        cancels.push(schedule(alarmEveryMs, exclusive(() => triggerAlarm(true), 'alarm')));
        // The first alarm goes off at once, so that the alarm cameras are seen live early on.
        exclusive(() => triggerAlarm(true), 'alarm')();
      }
    },
    async stop() {
      stopped = true;
      for (const cancel of cancels) cancel();
      cancels = [];
      await inFlight;
    },
  };
}

/** Runs `task` for every item, at most ENROLMENT_CONCURRENCY at a time; rejects with the first failure once all have settled. */
async function inPool<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await task(item).catch((error: unknown) => void failures.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(ENROLMENT_CONCURRENCY, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}

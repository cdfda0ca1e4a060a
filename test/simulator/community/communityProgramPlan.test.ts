import { XMLValidator } from 'fast-xml-parser';
import { createHash } from 'node:crypto';
import { type DomainEvent } from '../../../contract';
import { createCitySimulation } from '../../../simulator';
import { isCommunityCamera, planCommunityProgram, renderFootageClip, withoutCameras } from '../../../simulator/community';

const START = new Date('2026-11-23T19:00:00.000Z');
const cityOf = (seed: number, cameraCount = 300, callsPerMinute = 2) => createCitySimulation({ seed, startAt: START, unitCount: 4, cameraCount, callsPerMinute });

describe('the simulated community program\'s plan', () => {
  const initialEvents = cityOf(1).initialEvents();
  const plan = planCommunityProgram({ seed: 1, initialEvents });
  const cameras = plan.owners.flatMap((owner) => owner.cameras);
  const community = initialEvents.filter(isCommunityCamera);

  it('plans every community camera of the city once, under the owner the city gave it, and no city camera', () => {
    expect(community.length).toBeGreaterThan(50);
    expect(cameras.map((camera) => camera.simCameraId).sort()).toEqual(community.map((camera) => camera.cameraId).sort());
    for (const owner of plan.owners) {
      for (const camera of owner.cameras) expect(community.find((event) => event.cameraId === camera.simCameraId)?.owner?.ownerId).toBe(owner.ownerId);
      // The enrolment recognises kept cameras by name: an owner's names are unique.
      expect(new Set(owner.cameras.map((camera) => camera.name)).size).toBe(owner.cameras.length);
    }
  });

  it('makes up contacts on reserved ranges only: example.org mail, 555-01xx telephones', () => {
    for (const owner of plan.owners) {
      expect(owner.email).toMatch(/^[a-z0-9-]+@example\.org$/);
      expect(owner.phone).toMatch(/^480-555-01\d\d$/);
      expect(owner.contactName).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
      expect(owner.displayName.length).toBeGreaterThan(0);
    }
  });

  it('mixes the terms: always, business-hours schedules, the alarm owner\'s alarm, and registered only', () => {
    const modes = new Map<string, number>();
    for (const camera of cameras) modes.set(camera.terms.mode, (modes.get(camera.terms.mode) ?? 0) + 1);
    expect([...modes.keys()].sort()).toEqual(['ALARM', 'ALWAYS', 'NEVER', 'SCHEDULE']);
    for (const camera of cameras) {
      expect(camera.level === 'REGISTERED').toBe(camera.terms.mode === 'NEVER');
      if (camera.terms.mode === 'SCHEDULE') {
        expect(camera.terms.schedule!.length).toBeGreaterThan(0);
        for (const window of camera.terms.schedule!) expect(`${window.from}-${window.to}`).toMatch(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/);
      }
    }
    // Only the alarm owner's cameras open on an alarm, and all of theirs that share live do.
    const alarmOwner = plan.owners.find((owner) => owner.ownerId === plan.alarmOwnerId)!;
    expect(alarmOwner.cameras.some((camera) => camera.terms.mode === 'ALARM')).toBe(true);
    for (const owner of plan.owners) {
      for (const camera of owner.cameras) expect(camera.terms.mode === 'ALARM').toBe(owner === alarmOwner && camera.level === 'INTEGRATED');
    }
    expect(alarmOwner.cameras.every((camera) => camera.approve)).toBe(true);
    // A few owners integrate a scheduled camera only once it is approved (setSharingTerms), as the owner journey goes.
    const later = cameras.filter((camera) => camera.integrateLater);
    expect(later.length).toBeGreaterThan(0);
    expect(later.length).toBeLessThanOrEqual(5);
    for (const camera of later) expect([camera.terms.mode, camera.level, camera.approve]).toEqual(['SCHEDULE', 'INTEGRATED', true]);
    // A few wait for staff, as new sign-ups do; most are approved.
    const pending = cameras.filter((camera) => !camera.approve).length;
    expect(pending).toBeGreaterThan(0);
    expect(pending).toBeLessThan(cameras.length / 5);
  });

  it('is a function of the seed: the same seed gives the same plan, another seed another', () => {
    const again = planCommunityProgram({ seed: 1, initialEvents: cityOf(1).initialEvents() });
    expect(JSON.stringify(again.owners)).toBe(JSON.stringify(plan.owners));
    const other = planCommunityProgram({ seed: 2, initialEvents: cityOf(2).initialEvents() });
    expect(JSON.stringify(other.owners)).not.toBe(JSON.stringify(plan.owners));
  });

  it('answers a request the same way however often asked: most approved after a short delay, some denied with a note, some left to expire', () => {
    const answers = Array.from({ length: 400 }, (_, index) => plan.answerOf(`req-${index}`));
    expect(Array.from({ length: 400 }, (_, index) => plan.answerOf(`req-${index}`))).toEqual(answers);
    const kinds = { approve: 0, deny: 0, ignore: 0 };
    for (const answer of answers) {
      kinds[answer.kind] += 1;
      if (answer.kind !== 'ignore') {
        expect(answer.afterMs).toBeGreaterThanOrEqual(5_000);
        expect(answer.afterMs).toBeLessThanOrEqual(90_000);
        expect(answer.note.length).toBeGreaterThan(0);
      }
    }
    expect(kinds.approve).toBeGreaterThan(kinds.deny);
    expect(kinds.deny).toBeGreaterThan(20);
    expect(kinds.ignore).toBeGreaterThan(20);
    // Everything approved, when asked so: the shares are the plan's options.
    const eager = planCommunityProgram({ seed: 1, initialEvents, approveShare: 1, denyShare: 0 });
    expect(Array.from({ length: 50 }, (_, index) => eager.answerOf(`req-${index}`).kind)).toEqual(Array(50).fill('approve'));
  });

  it('refuses shares that do not add up and delays too short to be a person', () => {
    expect(() => planCommunityProgram({ seed: 1, initialEvents, approveShare: 0.9, denyShare: 0.2 })).toThrow(RangeError);
    expect(() => planCommunityProgram({ seed: 1, initialEvents, approveShare: -0.1 })).toThrow(RangeError);
    expect(() => planCommunityProgram({ seed: 1, initialEvents, longestAnswerMs: 10 })).toThrow(RangeError);
  });

  it('has no owner and no alarm in a city without community cameras', () => {
    const empty = planCommunityProgram({ seed: 1, initialEvents: cityOf(1, 0).initialEvents() });
    expect(empty.owners).toEqual([]);
    expect(empty.alarmOwnerId).toBeNull();
  });
});

describe('the city without its community cameras (withoutCameras)', () => {
  it('carries no discovery or status change of a program camera, and everything else unchanged and in order', () => {
    const full = cityOf(5, 200, 0.5);
    const initial = full.initialEvents();
    const ids = new Set(initial.filter(isCommunityCamera).map((camera) => camera.cameraId));
    const filtered = withoutCameras(cityOf(5, 200, 0.5), ids);
    const ofProgram = (event: DomainEvent) => (event.type === 'camera.discovered' || event.type === 'camera.statusChanged') && ids.has(event.cameraId);
    expect(filtered.initialEvents()).toEqual(initial.filter((event) => !ofProgram(event)));
    // Three hours of outages (one every few minutes in the fleet): the city's own camera status changes still come, the program's never.
    const until = new Date(START.getTime() + 3 * 3600_000);
    const all = full.advance(until);
    const kept = filtered.advance(until);
    expect(all.some(ofProgram)).toBe(true);
    expect(kept.some(ofProgram)).toBe(false);
    expect(kept).toEqual(all.filter((event) => !ofProgram(event)));
    expect(kept.some((event) => event.type === 'camera.statusChanged')).toBe(true);
    expect(filtered.now()).toEqual(until);
  });
});

describe('renderFootageClip', () => {
  const scene = { cameraId: 'cam-0200', name: 'Saguaro Market - Front door', headingDegrees: 270, fieldOfViewDegrees: 100, ptz: false };
  const window = { from: new Date('2026-11-23T18:00:00.000Z'), to: new Date('2026-11-23T18:30:00.000Z') };

  it('is a well-formed animated SVG of the window, the same bytes (and SHA-256) for the same request, other bytes for another window', () => {
    const clip = renderFootageClip(scene, window);
    const text = clip.toString('utf8');
    expect(XMLValidator.validate(text)).toBe(true);
    expect(text).toContain('11:00:00 MST');
    expect(text).toContain('11:30:00 MST');
    expect((text.match(/<animate /g) ?? []).length).toBe(6);
    const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(sha(renderFootageClip(scene, { ...window }))).toBe(sha(clip));
    expect(sha(renderFootageClip(scene, { ...window, to: new Date('2026-11-23T18:31:00.000Z') }))).not.toBe(sha(clip));
    expect(clip.length).toBeLessThan(100_000);
  });

  it('refuses a window that ends before it starts or is no time', () => {
    expect(() => renderFootageClip(scene, { from: window.to, to: window.from })).toThrow(RangeError);
    expect(() => renderFootageClip(scene, { from: new Date(Number.NaN), to: window.to })).toThrow(RangeError);
  });
});

import { destinationPoint } from '../geo/geodesy';
import { type EventLocation } from '../contract';
import { CLASSES_OF_SERVICE, REFINED_UNCERTAINTY_METERS } from './classesOfService';
import { INCIDENT_TYPES } from './incidentTypes';
import { roundPoint } from './rounding';
import { simulatedPersonName } from './simulatedPeople';
import {
  type CallMilestone,
  type CallMilestoneKind,
  type SimCall,
  type SimIncident,
  type SimulationWorld,
} from './simulationWorld';

/** Share of calls that hang up before anyone answers. */
const ABANDON_SHARE = 0.08;
/** Share of answered calls that report an open incident again. */
const DUPLICATE_SHARE = 0.1;
/** Share of other answered calls that need a unit (the rest are information, misdials …). */
const INCIDENT_SHARE = 0.65;
/** Arizona keeps standard time all year, so Mesa's CAD day is simply UTC−7. */
const MESA_UTC_OFFSET_MS = -7 * 3600_000;

/**
 * One step of the 911 call-taker: new calls ring (Poisson arrivals at `callsPerMinute`),
 * are answered, their caller location is refined, and they become incidents or end.
 */
export function stepCallTaking(world: SimulationWorld): void {
  receiveNewCalls(world);
  progressCalls(world);
}

function receiveNewCalls(world: SimulationWorld): void {
  const { state, settings, random } = world;
  if (settings.callsPerMinute <= 0) return;
  const meanGapMs = 60_000 / settings.callsPerMinute;
  while (state.nextCallAtMs <= state.nowMs) {
    receiveCall(world);
    state.nextCallAtMs += Math.max(1, Math.round(random.calls.exponential(meanGapMs)));
  }
}

function receiveCall(world: SimulationWorld): void {
  const { state, grid, random } = world;
  state.callSequence += 1;
  const callId = `call-${world.settings.runTag}-${state.callSequence}`;
  const classOfService = random.calls.weighted(CLASSES_OF_SERVICE);
  const open = [...state.incidents.values()].filter((incident) => incident.status !== 'CLOSED');
  const abandoned = random.calls.chance(ABANDON_SHARE);
  const duplicateOf =
    !abandoned && open.length > 0 && random.calls.chance(DUPLICATE_SHARE) ? random.calls.pick(open) : null;
  const call: SimCall = {
    callId,
    receivedAtMs: state.nowMs,
    classOfService,
    point: duplicateOf ? duplicateOf.point : grid.randomStreetPoint(random.calls),
    linkIncidentId: duplicateOf ? duplicateOf.incidentId : null,
    milestones: [],
  };
  call.milestones = planCall(world, call, abandoned);
  state.calls.set(callId, call);
  world.emit({
    type: 'call.received',
    callId,
    state: 'RINGING',
    location: callerLocation(world, call, classOfService.initialUncertaintyMeters),
    classOfService: classOfService.code,
    callbackNumber: `480-555-${String(random.calls.int(0, 9999)).padStart(4, '0')}`,
    // The subscriber, as CNAM gives it; a line with a civic address (ALI) is registered there.
    callerName: simulatedPersonName(callId),
    callerAddress: classOfService.civicAddress ? grid.addressOf(call.point) : null,
  });
}

/** The call's future, drawn at once so that every call consumes the same random draws. */
function planCall(world: SimulationWorld, call: SimCall, abandoned: boolean): CallMilestone[] {
  const random = world.random.calls;
  const at = (seconds: number, kind: CallMilestoneKind): CallMilestone => ({
    atMs: call.receivedAtMs + seconds * 1000,
    kind,
  });
  if (abandoned) return [at(random.int(5, 25), 'abandon')];
  const answer = random.int(3, 15);
  const refine = answer + random.int(10, 40);
  const milestones = [at(answer, 'answer'), at(refine, 'refine')];
  let busyUntil = refine;
  if (call.linkIncidentId !== null) {
    busyUntil = answer + random.int(20, 60);
    milestones.push(at(busyUntil, 'linkIncident'));
  } else if (random.chance(INCIDENT_SHARE)) {
    busyUntil = answer + random.int(30, 90);
    milestones.push(at(busyUntil, 'createIncident'));
  }
  milestones.push(at(Math.max(random.int(60, 240), busyUntil + random.int(5, 30)), 'end'));
  return milestones.sort((a, b) => a.atMs - b.atMs);
}

function progressCalls(world: SimulationWorld): void {
  const { state } = world;
  for (const call of [...state.calls.values()]) {
    while (call.milestones.length > 0 && (call.milestones[0] as CallMilestone).atMs <= state.nowMs) {
      const milestone = call.milestones.shift() as CallMilestone;
      reachMilestone(world, call, milestone.kind);
    }
    if (call.milestones.length === 0) state.calls.delete(call.callId);
  }
}

function reachMilestone(world: SimulationWorld, call: SimCall, kind: CallMilestoneKind): void {
  const { callId, classOfService } = call;
  switch (kind) {
    case 'answer':
      // The recorder starts with the answered call; its live stream is the call's audio.
      return world.emit({ type: 'call.updated', callId, state: 'ACTIVE', audioUrl: audioUrlOf(callId) });
    case 'abandon':
      return world.emit({ type: 'call.updated', callId, state: 'ABANDONED' });
    case 'end':
      return world.emit({ type: 'call.updated', callId, state: 'ENDED' });
    case 'refine':
      return world.emit({
        type: 'call.updated',
        callId,
        location: callerLocation(world, call, REFINED_UNCERTAINTY_METERS),
        classOfService: classOfService.refinedCode,
      });
    case 'createIncident':
      return createIncident(world, call);
    case 'linkIncident':
      return linkIncident(world, call);
    default: {
      const unreachable: never = kind;
      throw new Error(`simulator: unknown call milestone ${String(unreachable)}`);
    }
  }
}

function audioUrlOf(callId: string): string {
  return `https://recorder.sim.invalid/calls/${encodeURIComponent(callId)}/audio.m3u8`;
}

/** A reported caller location: somewhere inside an uncertainty circle around the caller. */
function callerLocation(world: SimulationWorld, call: SimCall, [min, max]: readonly [number, number]): EventLocation {
  const random = world.random.calls;
  const uncertaintyMeters = Math.round(random.between(min, max));
  // Real callers are usually well inside the reported circle.
  const offsetMeters = random.float() * 0.6 * uncertaintyMeters;
  const point = destinationPoint(world.grid.toLatLon(call.point), random.between(0, 360), offsetMeters);
  return {
    point: roundPoint(point),
    uncertaintyMeters,
    address: call.classOfService.civicAddress ? world.grid.addressOf(call.point) : null,
  };
}

function createIncident(world: SimulationWorld, call: SimCall): void {
  const { state, grid, random, settings } = world;
  const type = random.calls.weighted(INCIDENT_TYPES);
  state.incidentSequence += 1;
  const incident: SimIncident = {
    incidentId: `inc-${settings.runTag}-${state.incidentSequence}`,
    number: nextIncidentNumber(world),
    type,
    point: call.point,
    address: grid.addressOf(call.point),
    reportedAtMs: call.receivedAtMs,
    status: 'PENDING',
    callIds: [call.callId],
    unitIds: [],
    closeAtMs: null,
  };
  state.incidents.set(incident.incidentId, incident);
  world.emit({
    type: 'incident.created',
    incidentId: incident.incidentId,
    number: incident.number,
    typeCode: type.code,
    typeText: type.text,
    priority: type.priority,
    status: 'PENDING',
    location: { point: roundPoint(grid.toLatLon(incident.point)), uncertaintyMeters: null, address: incident.address },
    reportedAt: new Date(incident.reportedAtMs).toISOString(),
    narrative: `Simulated: caller reports ${type.text.toLowerCase()} near ${incident.address}.`,
    callIds: [...incident.callIds],
  });
}

function linkIncident(world: SimulationWorld, call: SimCall): void {
  const incident = call.linkIncidentId === null ? undefined : world.state.incidents.get(call.linkIncidentId);
  // The incident may have closed while this caller was on the line; then there is nothing to link.
  if (!incident) return;
  incident.callIds = [...incident.callIds, call.callId];
  world.emit({ type: 'incident.updated', incidentId: incident.incidentId, callIds: [...incident.callIds] });
}

/** CAD incident numbers: agency prefix, local yymmdd, and a four-digit daily sequence. */
function nextIncidentNumber(world: SimulationWorld): string {
  const { state, settings } = world;
  const day = new Date(state.nowMs + MESA_UTC_OFFSET_MS).toISOString().slice(2, 10).replaceAll('-', '');
  if (day !== state.incidentNumberDay) {
    state.incidentNumberDay = day;
    state.incidentNumberSequence = state.issuedIncidentNumbers.get(day) ?? 0;
  }
  state.incidentNumberSequence += 1;
  return `${settings.agencyPrefix}${day}${String(state.incidentNumberSequence).padStart(4, '0')}`;
}

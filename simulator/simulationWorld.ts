import {
  type CameraStatus,
  type DomainEvent,
  type EventEnvelope,
  type IncidentStatus,
  type UnitStatus,
} from '../contract';
import { type ClassOfService } from './classesOfService';
import { type Random } from './createRandom';
import { type GridArea, type GridPoint, type StreetGrid } from './createStreetGrid';
import { type IncidentType } from './incidentTypes';

type WithoutEnvelope<E> = E extends unknown ? Omit<E, keyof EventEnvelope> : never;

/** A domain event before the simulation stamps its envelope (eventId, source, occurredAt). */
export type EventBody = WithoutEnvelope<DomainEvent>;

/** The simulation's options with every default filled in. */
export interface SimulationSettings {
  readonly seed: number;
  readonly startMs: number;
  readonly unitCount: number;
  readonly cameraCount: number;
  readonly callsPerMinute: number;
  readonly positionIntervalMs: number;
  readonly stepMs: number;
  readonly agencyPrefix: string;
  readonly source: string;
  /** Distinguishes ids of one run (seed and start) from another's, so that deduplication is safe. */
  readonly runTag: string;
}

export interface SimUnit {
  readonly unitId: string;
  readonly callSign: string;
  /** Where the unit patrols while available. */
  readonly district: GridArea;
  status: UnitStatus;
  incidentId: string | null;
  position: GridPoint;
  /** Waypoints still ahead, nearest first. */
  route: GridPoint[];
  /** Speed of the current leg, km/h. */
  cruiseKph: number;
  /** Speed reported in the last step (0 when parked). */
  speedKph: number;
  headingDegrees: number;
  nextFixAtMs: number;
  /** Available: parked until then. Dispatched: starts driving (ENROUTE) then. */
  waitUntilMs: number;
}

export interface SimIncident {
  readonly incidentId: string;
  readonly number: string;
  readonly type: IncidentType;
  readonly point: GridPoint;
  readonly address: string;
  readonly reportedAtMs: number;
  status: IncidentStatus;
  callIds: string[];
  unitIds: string[];
  /** Set when the first unit arrives. */
  closeAtMs: number | null;
}

export type CallMilestoneKind = 'answer' | 'abandon' | 'refine' | 'createIncident' | 'linkIncident' | 'end';

export interface CallMilestone {
  readonly atMs: number;
  readonly kind: CallMilestoneKind;
}

export interface SimCall {
  readonly callId: string;
  readonly receivedAtMs: number;
  readonly classOfService: ClassOfService;
  /** Where the caller really is; reported locations scatter around it. */
  readonly point: GridPoint;
  /** An open incident this caller reports again (a duplicate call), if any. */
  readonly linkIncidentId: string | null;
  /** Still to happen, in time order. */
  milestones: CallMilestone[];
}

export interface SimCamera {
  readonly cameraId: string;
  status: CameraStatus;
  backOnlineAtMs: number | null;
}

/** Mutable state of the city, advanced one step at a time. */
export interface SimulationState {
  nowMs: number;
  readonly units: SimUnit[];
  readonly cameras: SimCamera[];
  /** Calls still in progress, in arrival order. */
  readonly calls: Map<string, SimCall>;
  /** Incidents not yet closed, in creation order. */
  readonly incidents: Map<string, SimIncident>;
  nextCallAtMs: number;
  nextOutageAtMs: number;
  callSequence: number;
  incidentSequence: number;
  incidentNumberDay: string;
  incidentNumberSequence: number;
  /** Highest incident number sequence already issued per local day (yymmdd), by an earlier run. */
  readonly issuedIncidentNumbers: Map<string, number>;
}

/** Independent random streams, so that e.g. camera outages do not shift the calls. */
export interface SimulationRandom {
  readonly calls: Random;
  readonly units: Random;
  readonly cameras: Random;
}

/** Everything a simulation phase reads and changes. */
export interface SimulationWorld {
  readonly settings: SimulationSettings;
  readonly grid: StreetGrid;
  readonly random: SimulationRandom;
  readonly state: SimulationState;
  /** Records an event at the current simulated time. */
  emit(body: EventBody): void;
}

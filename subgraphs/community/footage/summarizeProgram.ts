import { type Area, areaContains } from '../../../geo/area';
import type { ProgramCamera } from '../communityPorts';
import { FOOTAGE_REQUEST_STATUSES, type FootageRequestRecord, type FootageRequestStatus } from './createFootageStore';

/** GraphQL `CommunityProgram`. */
export interface ProgramSummary {
  readonly camerasByLevel: readonly { level: ProgramCamera['level']; count: number }[];
  readonly camerasByArea: readonly { area: string; level: ProgramCamera['level']; count: number }[];
  readonly pendingRegistrations: number;
  readonly requestsByStatus: readonly { status: FootageRequestStatus; count: number }[];
  readonly medianAnswerSeconds: number | null;
  readonly p90AnswerSeconds: number | null;
}

const LEVELS: readonly ProgramCamera['level'][] = ['REGISTERED', 'INTEGRATED'];
const QUADRANTS = ['NW', 'NE', 'SW', 'SE'] as const;

/**
 * The program at a glance. Districts: without an area, the four quadrants (NW, NE, SW, SE)
 * around the mean position of the approved cameras, which for the simulated city's grid are its
 * four quarters; with an area, one district `all`, the area asked. Only approved cameras count
 * by level and district; `area` also narrows pending registrations and the requests (to cameras
 * in it: a request for an erased camera then no longer counts). Answer times are request to
 * answer (approve or deny), median and 90th percentile by nearest rank.
 */
export function summarizeProgram(cameras: readonly ProgramCamera[], requests: readonly FootageRequestRecord[], area: Area | null): ProgramSummary {
  const inArea = area === null ? cameras : cameras.filter((camera) => areaContains(area, camera.point));
  // In the directory: approved, or withdrawn and kept (registered only: the directory lists it; its level says REGISTERED).
  const approved = inArea.filter((camera) => camera.status === 'APPROVED' || camera.status === 'WITHDRAWN');
  const camerasByLevel = LEVELS.map((level) => ({ level, count: approved.filter((camera) => camera.level === level).length }));

  const districtOf = districtsFor(approved, area);
  const camerasByArea = (area === null ? QUADRANTS : (['all'] as const)).flatMap((district) =>
    LEVELS.map((level) => ({ area: district, level, count: approved.filter((camera) => camera.level === level && districtOf(camera) === district).length })),
  );

  const cameraIds = area === null ? null : new Set(inArea.map((camera) => camera.cameraId));
  const counted = cameraIds === null ? requests : requests.filter((request) => cameraIds.has(request.cameraId));
  const requestsByStatus = FOOTAGE_REQUEST_STATUSES.map((status) => ({ status, count: counted.filter((request) => request.status === status).length }));
  const answerSeconds = counted
    .flatMap((request) => (request.answeredAt === null ? [] : [(request.answeredAt.getTime() - request.requestedAt.getTime()) / 1000]))
    .sort((a, b) => a - b);
  return {
    camerasByLevel,
    camerasByArea,
    pendingRegistrations: inArea.filter((camera) => camera.status === 'PENDING').length,
    requestsByStatus,
    medianAnswerSeconds: nearestRank(answerSeconds, 0.5),
    p90AnswerSeconds: nearestRank(answerSeconds, 0.9),
  };
}

/** The p-th quantile of sorted values by nearest rank (the smallest value with at least p of them at or below it). */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1] ?? null;
}

function districtsFor(cameras: readonly ProgramCamera[], area: Area | null): (camera: ProgramCamera) => string {
  if (area !== null || cameras.length === 0) return () => 'all';
  const lat = cameras.reduce((sum, camera) => sum + camera.point.lat, 0) / cameras.length;
  const lon = cameras.reduce((sum, camera) => sum + camera.point.lon, 0) / cameras.length;
  return (camera) => `${camera.point.lat >= lat ? 'N' : 'S'}${camera.point.lon >= lon ? 'E' : 'W'}`;
}

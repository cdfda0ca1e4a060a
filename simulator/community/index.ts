/** The simulated city's Community Connect program: its plan (pure, seeded) and the owners and staff who carry it out through the hub's API. */
export {
  type CommunityProgramPlan,
  type CommunityProgramPlanOptions,
  type PlannedAnswer,
  type PlannedCamera,
  type PlannedOwner,
  type PlanTerms,
  type PlanWindow,
  isCommunityCamera,
  planCommunityProgram,
} from './communityProgramPlan';
export {
  type DeskReport,
  type EnrolmentReport,
  type ProgramActor,
  type ProgramLog,
  type SimulatedProgram,
  type SimulatedProgramOptions,
  createSimulatedProgram,
} from './createSimulatedProgram';
export { FOOTAGE_CLIP_CONTENT_TYPE, renderFootageClip } from './renderFootageClip';
export { withoutCameras } from './withoutCameras';

/** The simulated city: a deterministic source of domain events, and the adapter that plays it. */
export { advanceThroughHistory, thinPositionFixes, type HistoryOptions } from './advanceThroughHistory';
export { createCitySimulation, type CitySimulation, type CitySimulationOptions } from './createCitySimulation';
export {
  createSimulatorAdapter,
  type SimulatorAdapter,
  type SimulatorAdapterOptions,
  type SimulatorAdapterStatus,
} from './createSimulatorAdapter';
export { MESA_CENTRE, type GeoBounds, type StreetGrid } from './createStreetGrid';
export { INCIDENT_TYPES, type IncidentType } from './incidentTypes';

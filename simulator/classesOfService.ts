/** How a class of service locates its caller in the simulation. */
export interface ClassOfService {
  /** NENA class of service code. */
  readonly code: string;
  /** Relative frequency among 911 calls. */
  readonly weight: number;
  /** Uncertainty radius of the first location, metres. */
  readonly initialUncertaintyMeters: readonly [min: number, max: number];
  /** Landlines and VoIP deliver a civic address from ALI; wireless calls a point only. */
  readonly civicAddress: boolean;
  /** Class of service after the location is refined (a WPH1 rebid returns Phase II). */
  readonly refinedCode: string;
}

/** Refined caller locations (Phase II rebid, device-based hybrid) are this precise. */
export const REFINED_UNCERTAINTY_METERS: readonly [min: number, max: number] = [10, 50];

/** The classes of service of simulated 911 calls; wireless dominates, as in real PSAPs. */
export const CLASSES_OF_SERVICE: readonly ClassOfService[] = [
  { code: 'WPH2', weight: 50, initialUncertaintyMeters: [30, 150], civicAddress: false, refinedCode: 'WPH2' },
  // Phase I locates the cell sector only.
  { code: 'WPH1', weight: 15, initialUncertaintyMeters: [300, 1500], civicAddress: false, refinedCode: 'WPH2' },
  { code: 'VOIP', weight: 15, initialUncertaintyMeters: [50, 250], civicAddress: true, refinedCode: 'VOIP' },
  { code: 'RESD', weight: 12, initialUncertaintyMeters: [15, 40], civicAddress: true, refinedCode: 'RESD' },
  { code: 'BUSN', weight: 8, initialUncertaintyMeters: [15, 40], civicAddress: true, refinedCode: 'BUSN' },
];

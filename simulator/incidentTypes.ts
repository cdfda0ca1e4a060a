/** An incident type the simulated CAD uses. */
export interface IncidentType {
  /** APCO ANS 2.103.1 common incident type code (see EIDO `apco:IncidentCategoryCodeType`). */
  readonly code: string;
  readonly text: string;
  /** 1 is most urgent. */
  readonly priority: 1 | 2 | 3 | 4 | 5;
  /** Relative frequency among 911 calls that become incidents. */
  readonly weight: number;
}

/** The incident types the simulation draws from; codes are APCO common incident types. */
export const INCIDENT_TYPES: readonly IncidentType[] = [
  { code: 'SHOOT', text: 'Shots fired / shooting', priority: 1, weight: 1 },
  { code: 'ROBBERY', text: 'Robbery in progress', priority: 1, weight: 2 },
  { code: 'ASSAULT', text: 'Assault', priority: 2, weight: 4 },
  { code: 'DVA', text: 'Domestic violence with assault', priority: 2, weight: 4 },
  { code: 'FIGHT', text: 'Fight in progress', priority: 2, weight: 3 },
  { code: 'MVAINJY', text: 'Collision with injuries', priority: 2, weight: 4 },
  { code: 'BURGLARY', text: 'Burglary', priority: 3, weight: 5 },
  { code: 'MVA', text: 'Collision, no injuries', priority: 3, weight: 6 },
  { code: 'SUSP', text: 'Suspicious person or vehicle', priority: 3, weight: 8 },
  { code: 'RECKDRV', text: 'Reckless driver', priority: 3, weight: 4 },
  { code: 'WELFARE', text: 'Welfare check', priority: 3, weight: 6 },
  { code: 'DISORD', text: 'Disorderly conduct', priority: 3, weight: 4 },
  { code: 'LARCENY', text: 'Theft report', priority: 4, weight: 5 },
  { code: 'SHOPLIFT', text: 'Shoplifter detained', priority: 4, weight: 4 },
  { code: 'VANDAL', text: 'Vandalism / criminal damage', priority: 4, weight: 3 },
  { code: 'NOISE', text: 'Loud noise / party', priority: 5, weight: 5 },
];

import { CONSOLE_OPERATIONS } from '../../console/app/api/consoleOperations';
import { COMMUNITY_CONSOLE_OPERATIONS, CONNECT_OPERATIONS } from '../../console/app/api/communityOperations';
import { readHubConfig } from '../../config/hubConfig';
import { estimateCost } from '../../gateway/limits/estimateCost';
import { operationOf, readApiSchema } from '../gateway/limits/limitsFixtures';

/**
 * The pages' documents against the gateway's cost limit with the hub's defaults: a document over
 * LIMIT_MAX_COST is refused whole (QUERY_TOO_COSTLY), and the page that sends it shows nothing.
 * Community Connect's additions made the console's first state query cross it once.
 */
describe('the console’s and owner pages’ documents', () => {
  const config = readHubConfig({ AUTH_DEV_KEY_FILE: 'memory' });
  const costOf = (body: string) => {
    const { operation, fragments } = operationOf(body);
    return estimateCost(operation, fragments, {
      schema: readApiSchema(),
      // The most tiles a console may dock (CONSOLE_DOCKED_CAMERAS is at most 12).
      variables: { cameras: 12, radius: config.consoleCameraRadiusMeters },
      defaultListSize: config.limitDefaultListSize,
      listSizes: { nearbyUnits: config.nearbyUnitsLimit, nearbyCameras: config.nearbyCamerasLimit },
      fieldCosts: config.limitFieldCosts,
    });
  };

  it.each(Object.entries(CONSOLE_OPERATIONS))('%s costs no more than LIMIT_MAX_COST allows by default', (_name, body) => {
    expect(costOf(body)).toBeLessThanOrEqual(config.limitMaxCost);
  });

  it('are all in the one persisted-operation list the build writes, with distinct bodies', () => {
    const community = { ...COMMUNITY_CONSOLE_OPERATIONS, ...CONNECT_OPERATIONS };
    for (const [name, body] of Object.entries(community)) expect(CONSOLE_OPERATIONS[name as keyof typeof CONSOLE_OPERATIONS]).toBe(body);
    const bodies = Object.values(CONSOLE_OPERATIONS);
    expect(new Set(bodies).size).toBe(bodies.length);
  });

  it('never ask an owner’s page for police data: no case number, requester, contact of other owners or camera directory fields', () => {
    for (const body of Object.values(CONNECT_OPERATIONS)) {
      for (const field of ['caseNumber', 'requestedBy', 'download', 'snapshotUrl', 'streams', 'calls', 'incidents', 'units', 'nearby']) expect([field, body.includes(field)]).toEqual([field, false]);
    }
  });
});

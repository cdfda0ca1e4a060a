import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { coalescedFieldsOf, readSubscriptionTraits } from '../../../gateway/subscriptions/readSubscriptionTraits';
import { SUPERGRAPH_SDL, readApiSchema } from './subscriptionFixtures';

const GATEWAY = join(__dirname, '..', '..', '..', 'gateway');

function sourcesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('readSubscriptionTraits', () => {
  it('reads what each subgraph declared about its subscription fields from the committed supergraph', () => {
    const traits = readSubscriptionTraits(SUPERGRAPH_SDL);
    expect(Object.fromEntries(traits)).toEqual({
      unitPositions: { coalesceBy: 'id', geofenceArgument: null, requiredScope: null },
      callReceived: { coalesceBy: null, geofenceArgument: 'area', requiredScope: null },
      callUpdated: { coalesceBy: null, geofenceArgument: 'area', requiredScope: null },
      incidentChanged: { coalesceBy: null, geofenceArgument: 'area', requiredScope: null },
      cameraStatusChanged: {
        coalesceBy: null,
        geofenceArgument: null,
        requiredScope: { scope: 'cameras:read', reason: 'it reports every camera; camera owners query their own cameras' },
      },
      // Community Connect's: shared upstream, so refused to owners, who read their own through queries.
      cameraAccessChanged: {
        coalesceBy: null,
        geofenceArgument: null,
        requiredScope: { scope: 'cameras:read', reason: 'it reports every community camera; owners query their own cameras\' access (me.registrations)' },
      },
      footageRequestChanged: {
        coalesceBy: null,
        geofenceArgument: null,
        requiredScope: { scope: 'footage:request', reason: 'owners are notified of requests through the notification adapters and query their own' },
      },
    });
    expect(Object.fromEntries(coalescedFieldsOf(traits))).toEqual({ unitPositions: 'id' });
  });

  it('reads the root the schema names as its subscription type, and nothing from other types', () => {
    const traits = readSubscriptionTraits(`
      schema { query: Query subscription: Live }
      directive @coalesce(by: String!) on FIELD_DEFINITION
      directive @geofenced(argument: String!) on FIELD_DEFINITION
      type Query { a: Int @coalesce(by: "id") }
      type Subscription { ignored: Int @coalesce(by: "id") }
      type Fix { vehicle: ID! }
      type Live { fixes(where: String): Fix @coalesce(by: "vehicle") plain: Int }
      extend type Live { inside(zone: String): Int @geofenced(argument: "zone") }
    `);
    expect(Object.fromEntries(traits)).toEqual({
      fixes: { coalesceBy: 'vehicle', geofenceArgument: null, requiredScope: null },
      inside: { coalesceBy: null, geofenceArgument: 'zone', requiredScope: null },
    });
  });

  it('refuses a trait that names no field of the event or no argument of the field', () => {
    const sdl = (field: string) => `
      directive @coalesce(by: String!) on FIELD_DEFINITION
      directive @geofenced(argument: String!) on FIELD_DEFINITION
      type Fix { vehicle: ID! }
      type Subscription { ${field} }
    `;
    expect(() => readSubscriptionTraits(sdl('fixes: Fix! @coalesce(by: "unit")'))).toThrow('Subscription.fixes: @coalesce(by: "unit") names no field of Fix');
    expect(() => readSubscriptionTraits(sdl('fixes(area: String): [Fix!] @geofenced(argument: "zone")'))).toThrow('Subscription.fixes: @geofenced(argument: "zone") names no argument of the field');
    expect(readSubscriptionTraits(sdl('fixes(zone: String): [Fix!] @coalesce(by: "vehicle") @geofenced(argument: "zone")')).get('fixes')).toEqual({ coalesceBy: 'vehicle', geofenceArgument: 'zone', requiredScope: null });
  });

  it('leaves no subscription field name in the gateway sources: what is special about a field is declared where it is defined', () => {
    const fields = Object.keys(readApiSchema().getSubscriptionType()?.getFields() ?? {});
    // The supergraph has subscription fields, so this check checks something.
    expect(fields.length).toBeGreaterThan(0);
    const mentions = sourcesUnder(GATEWAY).flatMap((path) => {
      const text = readFileSync(path, 'utf8');
      return fields.filter((field) => new RegExp(`\\b${field}\\b`).test(text)).map((field) => `${relative(GATEWAY, path)}: ${field}`);
    });
    expect(mentions).toEqual([]);
  });
});

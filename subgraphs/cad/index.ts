import DataLoader from 'dataloader';
import type { IncidentStatus, UnitStatus } from '../../contract';
import { createChangeFeed } from '../createChangeFeed';
import { createSubgraphSchema } from '../createSubgraphSchema';
import { isPointInScope, rowScopeOf } from '../rowScope';
import { subscribeInArea } from '../subscribeInArea';
import type { Subgraph, SubgraphDependencies } from '../subgraph';
import { type CadChange, type IncidentRecord, type UnitRecord, createCadStore } from './createCadStore';

export { cadMigrations } from './cadMigrations';

interface CadContext {
  incident: DataLoader<string, IncidentRecord | null>;
  unit: DataLoader<string, UnitRecord | null>;
  unitsByIncident: DataLoader<string, UnitRecord[]>;
  callIdsByIncident: DataLoader<string, string[]>;
  incidentIdByCall: DataLoader<string, string | null>;
}

interface PageArgs {
  first: number;
  after?: string | null;
}

/**
 * The CAD subgraph: incidents and units, and the link from 911 calls to incidents. A field
 * officer's geofence (rowScope) hides the incidents outside it wherever this subgraph hands one
 * out: `incident`, `incidents`, `Unit.incident`, `Call.incident` and `incidentChanged`.
 */
export function createCadSubgraph({ db }: Pick<SubgraphDependencies, 'db'>): Subgraph {
  const store = createCadStore(db);
  const isVisible = (ctx: unknown, incident: IncidentRecord | null): incident is IncidentRecord =>
    incident !== null && isPointInScope(rowScopeOf(ctx), incident.location.point);
  const loadVisibleIncident = async (ctx: CadContext, id: string) => {
    const incident = await ctx.incident.load(id);
    return isVisible(ctx, incident) ? incident : null;
  };
  const changes = createChangeFeed<CadChange>();
  const entityRef = (typename: string) => (id: string) => ({ __typename: typename, id });

  const resolvers = {
    Query: {
      incident: (_: unknown, { id }: { id: string }, ctx: CadContext) => loadVisibleIncident(ctx, id),
      incidents: (
        _: unknown,
        args: PageArgs & { filter?: { status?: IncidentStatus[]; maxPriority?: number; reportedSince?: Date; number?: string } | null },
        ctx: CadContext,
      ) => store.listIncidents(args.filter ?? {}, args.first, args.after, rowScopeOf(ctx).area),
      unit: (_: unknown, { id }: { id: string }, ctx: CadContext) => ctx.unit.load(id),
      units: (_: unknown, args: PageArgs & { filter?: { status?: UnitStatus[] } | null }) =>
        store.listUnits(args.filter ?? {}, args.first, args.after),
    },
    Subscription: {
      incidentChanged: {
        subscribe: (_: unknown, args: { area?: unknown; minPriority?: number | null }, ctx: CadContext) =>
          subscribeInArea({
            feed: changes,
            area: args.area,
            pick: (change) =>
              change.kind === 'incidentChanged' &&
              (args.minPriority == null || change.incident.priority <= args.minPriority) &&
              isVisible(ctx, change.incident)
                ? change.incident
                : undefined,
            keyOf: (incident) => incident.id,
            pointOf: (incident) => incident.location.point,
          }),
        resolve: (incident: IncidentRecord) => incident,
      },
      unitStatusChanged: {
        subscribe: (_: unknown, args: { area?: unknown; unitIds?: string[] | null; status?: UnitStatus[] | null }) => {
          const unitIds = args.unitIds ? new Set(args.unitIds) : null;
          const statuses = args.status ? new Set(args.status) : null;
          return subscribeInArea({
            feed: changes,
            area: args.area,
            pick: (change) =>
              change.kind === 'unitStatusChanged' &&
              (!unitIds || unitIds.has(change.unit.id)) &&
              (!statuses || statuses.has(change.unit.status))
                ? change.unit
                : undefined,
            keyOf: (unit) => unit.id,
            pointOf: (unit) => store.lastSeenAt(unit.id),
          });
        },
        resolve: (unit: UnitRecord) => unit,
      },
    },
    Incident: {
      __resolveReference: (ref: { id: string }, ctx: CadContext) => loadVisibleIncident(ctx, ref.id),
      units: (incident: IncidentRecord, _: unknown, ctx: CadContext) => ctx.unitsByIncident.load(incident.id),
      calls: async (incident: IncidentRecord, _: unknown, ctx: CadContext) =>
        (await ctx.callIdsByIncident.load(incident.id)).map(entityRef('Call')),
    },
    Unit: {
      __resolveReference: (ref: { id: string }, ctx: CadContext) => ctx.unit.load(ref.id),
      incident: (unit: UnitRecord, _: unknown, ctx: CadContext) =>
        unit.incidentId ? loadVisibleIncident(ctx, unit.incidentId) : null,
    },
    Call: {
      __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
      incident: async (call: { id: string }, _: unknown, ctx: CadContext) => {
        const incidentId = await ctx.incidentIdByCall.load(call.id);
        return incidentId ? loadVisibleIncident(ctx, incidentId) : null;
      },
    },
  };

  return {
    name: 'cad',
    schema: createSubgraphSchema<CadContext>('cad', resolvers),
    createContext: (): CadContext => ({
      incident: new DataLoader((ids) => store.incidentsByIds(ids)),
      unit: new DataLoader((ids) => store.unitsByIds(ids)),
      unitsByIncident: new DataLoader((ids) => store.unitsByIncidentIds(ids)),
      callIdsByIncident: new DataLoader((ids) => store.callIdsByIncidentIds(ids)),
      incidentIdByCall: new DataLoader((ids) => store.incidentIdsByCallIds(ids)),
    }),
    handleEvent: async (event) => {
      const change = await store.apply(event);
      if (change) changes.publish(change);
    },
    activeSubscriptions: () => changes.subscriberCount,
    // Incidents, their links to calls, and where units were last seen: the store purges them all.
    retention: store.retention,
  };
}

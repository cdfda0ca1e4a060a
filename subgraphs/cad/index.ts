import DataLoader from 'dataloader';
import type { IncidentStatus, UnitStatus } from '../../adapters/contract';
import { createSubgraphSchema } from '../createSubgraphSchema';
import type { Subgraph, SubgraphDependencies } from '../subgraph';
import { type IncidentRecord, type UnitRecord, createCadStore } from './createCadStore';

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

/** The CAD subgraph: incidents and units, and the link from 911 calls to incidents. */
export function createCadSubgraph({ db }: Pick<SubgraphDependencies, 'db'>): Subgraph {
  const store = createCadStore(db);
  const entityRef = (typename: string) => (id: string) => ({ __typename: typename, id });

  const resolvers = {
    Query: {
      incident: (_: unknown, { id }: { id: string }, ctx: CadContext) => ctx.incident.load(id),
      incidents: (
        _: unknown,
        args: PageArgs & { filter?: { status?: IncidentStatus[]; maxPriority?: number; reportedSince?: Date } | null },
      ) => store.listIncidents(args.filter ?? {}, args.first, args.after),
      unit: (_: unknown, { id }: { id: string }, ctx: CadContext) => ctx.unit.load(id),
      units: (_: unknown, args: PageArgs & { filter?: { status?: UnitStatus[] } | null }) =>
        store.listUnits(args.filter ?? {}, args.first, args.after),
    },
    Incident: {
      __resolveReference: (ref: { id: string }, ctx: CadContext) => ctx.incident.load(ref.id),
      units: (incident: IncidentRecord, _: unknown, ctx: CadContext) => ctx.unitsByIncident.load(incident.id),
      calls: async (incident: IncidentRecord, _: unknown, ctx: CadContext) =>
        (await ctx.callIdsByIncident.load(incident.id)).map(entityRef('Call')),
    },
    Unit: {
      __resolveReference: (ref: { id: string }, ctx: CadContext) => ctx.unit.load(ref.id),
      incident: (unit: UnitRecord, _: unknown, ctx: CadContext) =>
        unit.incidentId ? ctx.incident.load(unit.incidentId) : null,
    },
    Call: {
      __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
      incident: async (call: { id: string }, _: unknown, ctx: CadContext) => {
        const incidentId = await ctx.incidentIdByCall.load(call.id);
        return incidentId ? ctx.incident.load(incidentId) : null;
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
    handleEvent: (event) => store.apply(event),
  };
}

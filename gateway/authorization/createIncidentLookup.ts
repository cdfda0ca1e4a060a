import type { GraphQLDataSource } from '@apollo/gateway';
// The enum is not re-exported from the package's root.
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import { HubError } from '../../errors/hubErrors';

const INCIDENT_BY_NUMBER = 'query PurposeIncident($number: String!) { incidents(filter: { number: $number }, first: 1) { edges { node { id } } } }';

/**
 * Asks CAD, through the gateway's signed data source, whether an incident with a given number
 * exists. The request forwards no caller: the gateway asks for itself (whether the number names
 * an incident, not what the caller may see of it), as for its other fetches outside a client
 * operation. Rejects with SUBGRAPH_UNAVAILABLE when CAD does not answer.
 */
export function createIncidentLookup(cad: GraphQLDataSource): (incidentNumber: string) => Promise<boolean> {
  return async (incidentNumber) => {
    let response;
    try {
      response = await cad.process({
        // Not a client's operation: no incoming request context to hand on.
        kind: GraphQLDataSourceRequestKind.HEALTH_CHECK,
        request: { query: INCIDENT_BY_NUMBER, variables: { number: incidentNumber } },
        context: {},
      });
    } catch (error) {
      throw unavailable(error instanceof Error ? error.message : String(error));
    }
    if (response.errors?.length) throw unavailable(response.errors.map((error) => error.message).join('; '));
    const edges = (response.data as { incidents?: { edges?: unknown[] } | null } | null | undefined)?.incidents?.edges;
    if (!Array.isArray(edges)) throw unavailable('CAD answered without an incident list');
    return edges.length > 0;
  };
}

function unavailable(reason: string): HubError {
  return new HubError('SUBGRAPH_UNAVAILABLE', 'The stated purpose could not be checked: the CAD subgraph did not answer', { serviceName: 'cad', reason, http: { status: 503 } });
}

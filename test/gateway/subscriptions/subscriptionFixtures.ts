import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';
import pino from 'pino';
import type { AuditRecordInput } from '../../../audit/auditRecord';
import type { Identity } from '../../../auth/identity';
import { scopesOf } from '../../../auth/roles';
import type { AuditSink } from '../../../gateway/audit/createAuditPlugin';
import { stripSecurityPurpose } from '../../../gateway/authorization/stripSecurityPurpose';
import type { GatewayContext } from '../../../gateway/gatewayContext';
import { parseArea } from '../../../geo/area';

/** The committed supergraph, as the gateway reads it. */
export const SUPERGRAPH_SDL = readFileSync(join(__dirname, '..', '..', '..', 'schema', 'supergraph.graphql'), 'utf8');

let apiSchema: GraphQLSchema | undefined;

/** The client-facing schema, built from the supergraph as the gateway builds it. */
export function readApiSchema(): GraphQLSchema {
  apiSchema ??= Supergraph.build(stripSecurityPurpose(SUPERGRAPH_SDL)).apiSchema().toGraphQLJSSchema();
  return apiSchema;
}

export const silentLogger = pino({ level: 'silent' });

/** A caller with the scopes of `roles` (and a geofence, when given as an AreaInput). */
export function callerWith(roles: readonly string[], options: { geofence?: unknown; subject?: string; expiresAt?: number } = {}): GatewayContext {
  const identity: Identity = {
    subject: options.subject ?? `caller-${roles.join('-')}`,
    clientId: null,
    roles,
    scopes: scopesOf(roles),
    geofence: options.geofence === undefined ? null : parseArea(options.geofence, 'geofence'),
    geofenceInput: options.geofence,
    cameraOwner: null,
    department: null,
    tokenId: `token-${roles.join('-')}`,
    expiresAt: options.expiresAt ?? Date.now() + 3_600_000,
  };
  return { identity, purpose: 'TEST-0001', clientAddress: '10.0.0.7' };
}

/** An audit sink that keeps what it is given (or refuses everything, when `failing`). */
export function recordingAuditSink(failing = false): AuditSink & { readonly records: AuditRecordInput[] } {
  const records: AuditRecordInput[] = [];
  return {
    records,
    append: async (record) => {
      if (failing) throw new Error('audit store down');
      records.push(record);
    },
  };
}

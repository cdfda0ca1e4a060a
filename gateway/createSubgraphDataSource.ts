import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { HubError } from '../errors/hubErrors';
import { CALLER_HEADER, type ForwardedCaller, encodeForwardedCaller } from '../wire/forwardedCaller';
import { GATEWAY_SIGNATURE_HEADER, type GatewaySigner, signHttpRequest } from '../wire/gatewaySignature';
import type { GatewayContext } from './gatewayContext';

export interface SubgraphDataSourceOptions {
  /** The subgraph's name, for errors. */
  readonly name: string;
  readonly url: string;
  /** Signs every request, so that the subgraph knows it comes from the gateway. */
  readonly signer: GatewaySigner;
}

/**
 * Fetches from one subgraph over HTTP. Every request carries the caller (from the operation's
 * {@link GatewayContext}) in {@link CALLER_HEADER} and the gateway's signature over it and the
 * request in {@link GATEWAY_SIGNATURE_HEADER}. A subgraph that cannot be reached (refused,
 * reset, timed out) becomes a `SUBGRAPH_UNAVAILABLE` error naming it, so that the gateway
 * answers with what the other subgraphs returned plus an error that says what is missing.
 */
class SubgraphDataSource extends RemoteGraphQLDataSource {
  readonly subgraphName: string;

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.url });
    this.subgraphName = options.name;
    // Signed where the body is final: RemoteGraphQLDataSource serialises it just before fetching.
    const fetchUnsigned = this.fetcher;
    this.fetcher = (url, init = {}) => {
      const headers = { ...init.headers };
      headers[GATEWAY_SIGNATURE_HEADER] = signHttpRequest(options.signer, {
        method: init.method ?? 'GET',
        url,
        ...(init.body !== undefined ? { body: init.body } : {}),
        caller: headers[CALLER_HEADER] ?? null,
      });
      return fetchUnsigned(url, { ...init, headers });
    };
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions): void {
    const headers = request.http?.headers;
    if (!headers) return;
    const caller = forwardedCallerOf(context);
    if (caller) headers.set(CALLER_HEADER, encodeForwardedCaller(caller));
    else headers.delete(CALLER_HEADER);
  }

  override async process(
    options: GraphQLDataSourceProcessOptions,
  ): ReturnType<RemoteGraphQLDataSource['process']> {
    try {
      return await super.process(options);
    } catch (error) {
      // Errors the subgraph answered with are GraphQL errors already; pass them on.
      if (error instanceof GraphQLError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new HubError('SUBGRAPH_UNAVAILABLE', `Subgraph "${this.subgraphName}" is unavailable`, {
        serviceName: this.subgraphName,
        reason,
      });
    }
  }
}

/** The data source the gateway uses for each subgraph. */
export function createSubgraphDataSource(options: SubgraphDataSourceOptions): RemoteGraphQLDataSource {
  return new SubgraphDataSource(options);
}

/**
 * The caller of the operation behind a fetch. Fetches made outside a client's operation
 * (schema loading, health checks, entity fetches for shared subscription events) have a
 * context without an identity and forward no caller.
 */
export function forwardedCallerOf(context: Partial<GatewayContext> | undefined): ForwardedCaller | null {
  const identity = context?.identity;
  if (!identity) return null;
  return {
    subject: identity.subject,
    clientId: identity.clientId,
    roles: [...identity.roles],
    scopes: [...identity.scopes].sort(),
    geofence: identity.geofence,
    cameraOwner: identity.cameraOwner,
    department: identity.department,
    purpose: context.purpose ?? null,
  };
}

import { type Context, ROOT_CONTEXT, type Span, type SpanContext, SpanKind, SpanStatusCode, context as otelContext, trace } from '@opentelemetry/api';
import { type DocumentNode, type ExecutionResult, GraphQLError, getOperationAST, print } from 'graphql';
import { CloseCode } from 'graphql-ws';
import type { Logger } from 'pino';
import { HubError } from '../../errors/hubErrors';
import { hubTracer } from '../../observability/hubTracer';
import { AUDIT_UNAVAILABLE_ERROR, type AuditSink } from '../audit/createAuditPlugin';
import type { Deliveries, DeliveryAudit, DeliveryRecipient } from '../audit/createDeliveryAudit';
import type { RefusalAudit } from '../audit/createRefusalAudit';
import { describeOperationForAudit } from '../audit/describeOperationForAudit';
import type { AccessControl, CheckedOperation } from '../authorization/createAccessControl';
import type { GatewayContext } from '../gatewayContext';
import { callerKeyOf } from '../limits';
import type { SubscriptionAuthorization } from './authorizeSubscription';
import type { SubscriptionConfinement } from './confineSubscription';
import type { EventView, SharedSubscriptions } from './createSharedSubscriptions';
import { createSubscriptionDelivery } from './deliverSubscription';
import { joinSharedStream } from './joinSharedStream';
import type { ClientConnection } from './openClientConnection';

export interface SubscriptionStarterOptions {
  readonly authorize: SubscriptionAuthorization;
  readonly confine: SubscriptionConfinement;
  readonly shared: SharedSubscriptions;
  readonly access: AccessControl;
  /** Subscription starts and stops. */
  readonly audit: AuditSink;
  /** Subscriptions refused by authorization or confinement. */
  readonly refusals: RefusalAudit;
  readonly deliveryAudit: DeliveryAudit<EventView>;
  readonly logger: Logger;
}

/** One admitted subscription of a connection's caller, as graphql-ws hands it to `subscribe`. */
export interface SubscriptionStart {
  readonly connection: ClientConnection;
  /** The client's id of the subscription (the `subscribe` message's). */
  readonly id: string;
  readonly caller: GatewayContext;
  readonly document: DocumentNode;
  readonly operationName: string | null | undefined;
  readonly variables: Record<string, unknown> | null | undefined;
  /** The client's trace context (readClientTrace); by default the subscription starts a trace of its own. */
  readonly trace?: Context | undefined;
}

/** Starts a subscription: the stream graphql-ws drives, or the errors that refused it. */
export type SubscriptionStarter = (start: SubscriptionStart) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult>;

/**
 * Runs the phases of one subscription after admission: authorize → confine → its start record
 * (no record, no subscription) → join the shared stream → deliver. Each refusal answers the
 * subscription alone, never the connection.
 *
 * The start is a span (`graphql subscription <name>`) continuing the client's trace; it ends
 * once the subscription has started or was refused, for a span that lasted as long as the
 * subscription would be exported only when it ends, hours later. The span of each event the
 * subscription then receives links to it (see createSharedSubscriptions).
 */
export function createSubscriptionStarter(options: SubscriptionStarterOptions): SubscriptionStarter {
  const runPhases = createStartPhases(options);
  return async (start) => {
    // As Apollo Server records queries: the operation's own name when the client sent none.
    const operationName = getOperationAST(start.document, start.operationName ?? undefined)?.name?.value ?? start.operationName ?? null;
    const parent = start.trace ?? ROOT_CONTEXT;
    const span = hubTracer().startSpan(`graphql subscription${operationName ? ` ${operationName}` : ''}`, {
      kind: SpanKind.SERVER,
      attributes: { 'graphql.operation.type': 'subscription', ...(operationName ? { 'graphql.operation.name': operationName } : {}) },
    }, parent);
    try {
      // Active while the phases run, so that their log lines carry the trace.
      const started = await otelContext.with(trace.setSpan(parent, span), () => runPhases(start, operationName, span.spanContext()));
      endStartSpan(span, started);
      return started;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      throw error;
    }
  };
}

/** Ends the start's span: `ok`, or an error with the code the subscription was refused with. */
function endStartSpan(span: Span, started: AsyncIterableIterator<ExecutionResult> | ExecutionResult): void {
  const errors = Symbol.asyncIterator in started ? undefined : (started as ExecutionResult).errors;
  const [first] = errors ?? [];
  if (first) {
    const code = first.extensions?.code;
    span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? code : first.message });
  }
  span.setAttribute('rtcc.outcome', first ? 'error' : 'ok');
  span.end();
}

/** The phases themselves, given the operation's name and the start span each event's span links to. */
function createStartPhases(options: SubscriptionStarterOptions) {
  const { authorize, confine, shared, access, audit, refusals, deliveryAudit, logger } = options;
  return async (
    { connection, id, caller, document: sent, operationName: sentName, variables }: SubscriptionStart,
    operationName: string | null,
    link: SpanContext,
  ): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const source = print(sent);
    let checked: CheckedOperation | undefined;
    const auditOf = (kind: 'subscription-start' | 'subscription-stop' | 'subscription-event', result: ExecutionResult | null, restrictedReturned: readonly string[] = [], deliveries?: Deliveries) =>
      describeOperationForAudit({ kind, context: caller, source, operationName, variables: variables ?? null, checked, result, restrictedReturned, ...(deliveries ? { deliveries } : {}) });

    let document = sent;
    try {
      checked = authorize(sent, sentName, caller);
      document = confine(sent, sentName, variables ?? {}, caller);
    } catch (error) {
      const refusal = error instanceof GraphQLError ? error : new HubError('INTERNAL_SERVER_ERROR', 'Subscription could not be checked');
      if (!(error instanceof GraphQLError)) logger.error({ err: error }, 'subscription could not be checked');
      refusals.refused(callerKeyOf({ identity: caller.identity, clientAddress: caller.clientAddress }), auditOf('subscription-start', { errors: [refusal] }));
      return { errors: [refusal] };
    }
    try {
      await audit.append(auditOf('subscription-start', { data: {} }));
    } catch (error) {
      logger.error({ err: error }, 'audit record of a subscription start could not be written; the subscription does not start');
      return { errors: [new HubError('AUDIT_UNAVAILABLE', AUDIT_UNAVAILABLE_ERROR.message)] };
    }
    const allowed = checked;
    // Subscriptions of the same caller, purpose and stream share each event's record.
    const identity = caller.identity;
    const recipient: DeliveryRecipient<EventView> = {
      key: [allowed.shareKey, identity?.subject, identity?.clientId, identity?.department, identity?.roles.join(' '), caller.purpose, source].join('\n'),
      clientAddress: caller.clientAddress,
      describe: (view, deliveries) => auditOf('subscription-event', view.result, view.restrictedReturned, deliveries),
    };
    const delivery = createSubscriptionDelivery(connection.outbox.channel(Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`)), logger);
    let leave: () => void;
    try {
      leave = joinSharedStream({
        shared,
        request: { document, operationName: sentName ?? null, variables: variables ?? {} },
        access,
        checked: allowed,
        expiresAt: identity?.expiresAt ?? 0,
        onExpired: () => connection.socket.close(CloseCode.Unauthorized, 'Token expired; reconnect with a fresh token'),
        deliveryAudit,
        recipient,
        delivery,
        link,
      });
    } catch (error) {
      logger.warn({ err: error }, 'subscription could not be planned');
      return { errors: [error instanceof GraphQLError ? error : new GraphQLError('Subscription could not be planned')] };
    }
    return delivery.toStream({
      leave,
      stopped: () => {
        void audit.append(auditOf('subscription-stop', { data: {} })).catch((error: unknown) => logger.error({ err: error, kind: 'subscription-stop' }, 'audit record could not be written'));
      },
    });
  };
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ExecutionResult, print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { HubError } from '../../../errors/hubErrors';
import { createRefusalAudit } from '../../../gateway/audit/createRefusalAudit';
import type { GatewayContext } from '../../../gateway/gatewayContext';
import { createOperationLimits } from '../../../gateway/limits';
import { createSubscriptionAdmission } from '../../../gateway/subscriptions/admitSubscription';
import { bindWebSocketServer } from '../../../gateway/subscriptions/bindWebSocketServer';
import { createFlushScheduler } from '../../../gateway/subscriptions/createFlushScheduler';
import { createSubscriptionProtocol } from '../../../gateway/subscriptions/createSubscriptionProtocol';
import { openClientConnection } from '../../../gateway/subscriptions/openClientConnection';
import type { SubscriptionStart } from '../../../gateway/subscriptions/startSubscription';
import { callerWith, readApiSchema, recordingAuditSink, silentLogger } from './subscriptionFixtures';

/**
 * The protocol over a real binding, with real admission; authentication, the subscription's
 * later phases and the gateway's execution are the test's, to see what the protocol hands them.
 */
async function protocolUnderTest() {
  const server = createServer();
  const scheduler = createFlushScheduler(0);
  const caller = callerWith(['operator']);
  const starts: SubscriptionStart[] = [];
  const executed: { query: string; caller: GatewayContext }[] = [];
  const protocol = createSubscriptionProtocol({
    schema: readApiSchema(),
    authenticate: async (params) =>
      params.Authorization === 'Bearer good' ? { accepted: true, caller } : { accepted: false, closeCode: 4401, reason: 'No valid bearer token' },
    admit: createSubscriptionAdmission({ schema: readApiSchema(), limits: createOperationLimits(), refusals: createRefusalAudit({ audit: recordingAuditSink(), logger: silentLogger, perWindow: 10 }) }),
    start: async (start) => {
      starts.push(start);
      return { errors: [new HubError('FORBIDDEN', 'Not this one', { coordinate: 'Subscription.x' })] };
    },
    executeOperation: async (request, contextValue): Promise<ExecutionResult> => {
      executed.push({ query: request.query, caller: contextValue });
      // As Apollo Server answers: errors already formatted, plain objects.
      return { data: { echo: 1 }, errors: [{ message: 'partial', path: ['x'], extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] } as unknown as ExecutionResult;
    },
  });
  const binding = bindWebSocketServer({
    server,
    path: '/graphql',
    keepAliveMs: 60_000,
    logger: silentLogger,
    accept: (socket, request) => {
      const connection = openClientConnection(socket, { queueLimit: 10, scheduler, logger: silentLogger, onSlowClient: () => undefined });
      const closed = protocol.opened(socket, { connection, request });
      return (code, reason) => void closed(code, reason);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const clients: Client[] = [];
  return {
    caller,
    starts,
    executed,
    client(token: string, onClosed?: (event: unknown) => void) {
      const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: { Authorization: `Bearer ${token}` }, ...(onClosed ? { on: { closed: onClosed } } : {}) });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.dispose()));
      scheduler.close();
      await binding.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Everything one operation yields, or what it failed with. */
async function run(client: Client, query: string): Promise<{ results: unknown[]; failure: unknown }> {
  const results: unknown[] = [];
  try {
    for await (const result of client.iterate({ query })) results.push(result);
    return { results, failure: null };
  } catch (error) {
    return { results, failure: error };
  }
}

describe('createSubscriptionProtocol', () => {
  it("closes a connection its authentication refuses with the verdict's code and reason", async () => {
    const under = await protocolUnderTest();
    try {
      let closed: { code?: number; reason?: string } | undefined;
      const client = under.client('bad', (event) => (closed = event as { code: number; reason: string }));
      const { failure } = await run(client, 'subscription { unitPositions { id } }');
      expect(failure).toMatchObject({ code: 4401, reason: 'No valid bearer token' });
      expect(closed).toMatchObject({ code: 4401 });
      expect(under.starts).toEqual([]);
    } finally {
      await under.close();
    }
  });

  it("hands an admitted subscription to its phases with the client's id and the connection's caller, and answers their refusal as the operation's error", async () => {
    const under = await protocolUnderTest();
    try {
      const { results, failure } = await run(under.client('good'), 'subscription { unitPositions { id } }');
      // As graphql-ws answers a subscription that did not start: one `next` with its errors, then `complete`.
      expect({ results, failure }).toEqual({ results: [{ errors: [{ message: 'Not this one', extensions: { coordinate: 'Subscription.x', code: 'FORBIDDEN' } }] }], failure: null });
      expect(under.starts).toHaveLength(1);
      expect(under.starts[0]).toMatchObject({ id: expect.any(String), caller: under.caller });
      const document = under.starts[0]?.document;
      expect(document && print(document)).toMatch(/unitPositions/);
    } finally {
      await under.close();
    }
  });

  it('refuses at admission, without starting it, a subscription that is not valid', async () => {
    const under = await protocolUnderTest();
    try {
      const { failure } = await run(under.client('good'), 'subscription { noSuchField }');
      expect(JSON.stringify(failure)).toContain('GRAPHQL_VALIDATION_FAILED');
      expect(under.starts).toEqual([]);
    } finally {
      await under.close();
    }
  });

  it("runs queries through the gateway's execution as the connection's caller, forwarding formatted errors as they are", async () => {
    const under = await protocolUnderTest();
    try {
      const { results, failure } = await run(under.client('good'), '{ __typename }');
      expect(failure).toBeNull();
      expect(results).toEqual([{ data: { echo: 1 }, errors: [{ message: 'partial', path: ['x'], extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] }]);
      expect(under.executed).toEqual([{ query: '{\n  __typename\n}', caller: under.caller }]);
    } finally {
      await under.close();
    }
  });
});

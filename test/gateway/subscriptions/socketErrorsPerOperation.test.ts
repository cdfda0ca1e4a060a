import { ringingCall } from '../../support/cityFixture';
import { type TestHub, startTestHub } from '../../support/startTestHub';
import { STORAGE_TARGETS } from '../../support/storageTargets';
import { eventually } from '../../support/subscribeThroughGateway';
import { type RawGraphqlWs, type ServerMessage, openRawGraphqlWs } from '../support/rawGraphqlWs';

const callIdsOf = (messages: readonly ServerMessage[]) =>
  messages.flatMap((message) => (message.type === 'next' ? [(message.payload as { data?: { callReceived?: { id: string } } }).data?.callReceived?.id] : []));

describe.each(STORAGE_TARGETS)('errors on the WebSocket are per operation, on $name', (target) => {
  let hub: TestHub;
  let socket: RawGraphqlWs;

  beforeAll(async () => {
    hub = await startTestHub(target);
    // No purpose: an operation reading restricted fields is refused (PURPOSE_REQUIRED).
    socket = await openRawGraphqlWs(hub.gatewayUrl, { Authorization: `Bearer ${await hub.token()}` });
  });
  afterAll(async () => {
    await socket?.close();
    await hub?.close();
  });

  it('answers failed operations with their errors and keeps the other subscriptions of the socket', async () => {
    socket.subscribe('live-1', { query: 'subscription { callReceived { id } }' });
    socket.subscribe('live-2', { query: 'subscription { callReceived { id } }' });
    // Both are live once a call reaches both (the upstream subscription opens after the start record).
    let calls = 0;
    await eventually(async () => {
      await hub.sink.emit(ringingCall(`socket-before-${(calls += 1)}`));
      await new Promise((resolve) => setTimeout(resolve, 50));
      return callIdsOf(socket.of('live-1')).length > 0 && callIdsOf(socket.of('live-2')).length > 0;
    }, 10_000, 'both subscriptions live');

    // A query whose answer carries errors (formatted by Apollo Server) used to close the socket with 4500.
    socket.subscribe('refused', { query: '{ calls { edges { node { id callbackNumber } } } }' });
    await socket.until(() => socket.of('refused').some((message) => message.type === 'complete' || message.type === 'error'), 'the refused query');
    expect(JSON.stringify(socket.of('refused'))).toContain('PURPOSE_REQUIRED');
    // Unparseable, invalid, several unnamed operations, undeclared variables: each its own error.
    socket.subscribe('unparseable', { query: '{ calls {' });
    socket.subscribe('invalid', { query: 'subscription { noSuchField }' });
    socket.subscribe('ambiguous', { query: 'query A { adapters { name } } query B { adapters { name } }' });
    socket.subscribe('undeclared', { query: '{ adapters { name } }', variables: { junk: 1 } });
    for (const id of ['unparseable', 'invalid', 'ambiguous', 'undeclared']) {
      await socket.until(() => socket.of(id).some((message) => message.type === 'error' || message.type === 'complete'), `the answer to ${id}`);
      const answer = socket.of(id)[0] as ServerMessage;
      const errors = (answer.type === 'error' ? answer.payload : (answer.payload as { errors?: unknown }).errors) as { extensions?: { code?: string } }[];
      expect(errors?.[0]?.extensions?.code).toEqual(expect.any(String));
    }
    expect(socket.closed).toBeNull();

    await hub.sink.emit(ringingCall('socket-after-1'));
    await socket.until(() => callIdsOf(socket.of('live-1')).includes('socket-after-1') && callIdsOf(socket.of('live-2')).includes('socket-after-1'), 'the call after the failures');
    expect(socket.closed).toBeNull();
  });
});

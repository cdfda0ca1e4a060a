import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { ConnectReply, ConnectRequest, PerKind, SubscriptionKind } from './clientProtocol';
import type { DeliveryRecorder } from './createDeliveryRecorder';
import { type LeanSocket, openLeanSocket } from './openLeanSocket';
import { eventFieldsOf } from './readEventFields';

/** The consoles of one path, connected and subscribed. */
export interface ConsoleClients {
  readonly outcome: Omit<ConnectReply, 'type'>;
  /** Closes every socket politely (close frame). */
  dispose(): Promise<void>;
  /** Destroys every socket at once, without a close handshake. */
  hangUp(): void;
}

const KINDS: readonly SubscriptionKind[] = ['position', 'call'];
const MAX_ERROR_SAMPLES = 5;

/**
 * Opens `clients` consoles, `batchSize` at a time: one graphql-ws client (one WebSocket) per
 * distinct endpoint, waiting for each server's `connection_ack`, then both subscriptions. A
 * console that cannot connect before the phase's deadline is counted as failed, not retried.
 */
export async function connectClients(request: ConnectRequest, recorder: DeliveryRecorder): Promise<ConsoleClients> {
  const { clients, endpoints, operations, batchSize, timeoutMs } = request;
  const kindOf = (url: string) => KINDS.find((kind) => endpoints[kind] === url) ?? 'position';
  const entryOf = (entries: readonly PerKind[], url: string, index: number) => (entries.length > 0 ? entries[index % entries.length]![kindOf(url)] : {});
  const paramsOf = (url: string, index: number) => ({ ...request.connectionParams[kindOf(url)], ...entryOf(request.consoleParams, url, index) });
  const headersOf = (url: string, index: number) => entryOf(request.consoleHeaders, url, index);
  const began = Date.now();
  const deadline = began + timeoutMs;
  const open: Client[] = [];
  const sockets = new Set<WebSocket>();
  // graphql-ws keeps its socket to itself; this subclass lets hangUp() reach every one.
  const trackedWebSocketOf = (index: number) =>
    class TrackedWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: { ...headersOf(address.replace(/^http/, 'ws'), index) } });
        sockets.add(this);
        this.once('close', () => sockets.delete(this));
      }
    };
  const errorSamples: string[] = [];
  const note = (message: string) => {
    if (errorSamples.length < MAX_ERROR_SAMPLES && !errorSamples.includes(message)) errorSamples.push(message);
  };
  let disposing = false;
  let connected = 0;
  let failed = 0;

  const connectSocket = (url: string, index: number): Promise<Client | null> =>
    new Promise((resolve) => {
      let settled = false;
      const settle = (client: Client | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(giveUp);
        resolve(client);
      };
      const giveUp = setTimeout(() => {
        note('no connection_ack before the connect deadline');
        settle(null);
      }, Math.max(1000, deadline - Date.now()) + 1000);
      const client: Client = createClient({
        url,
        connectionParams: paramsOf(url, index),
        webSocketImpl: trackedWebSocketOf(index),
        lazy: false,
        retryAttempts: 0,
        connectionAckWaitTimeout: Math.max(1000, deadline - Date.now()),
        onNonLazyError: (error) => {
          note(describe(error));
          settle(null);
        },
        on: {
          connected: () => settle(client),
          closed: (event) => {
            const code = (event as { code?: number }).code ?? 0;
            if (!settled) note(`closed ${code} while connecting`);
            else if (!disposing) recorder.closed(code);
            settle(null);
          },
        },
      });
      open.push(client);
    });

  const lean: LeanSocket[] = [];
  const connectLeanConsole = async (index: number): Promise<boolean> => {
    const urls = [...new Set(KINDS.map((kind) => endpoints[kind]))];
    let subscribed = false;
    const opened = await Promise.all(
      urls.map((url) =>
        openLeanSocket(url, Math.max(1000, deadline - Date.now()), paramsOf(url, index), headersOf(url, index), {
          event: (kind, fields, receivedAt) => recorder.event(index, kind, fields, receivedAt),
          error: (description) => (subscribed ? recorder.error(description) : note(description)),
          closed: (code) => {
            if (!disposing) recorder.closed(code);
          },
        }),
      ),
    );
    for (const socket of opened) if (socket) lean.push(socket);
    if (opened.some((socket) => socket === null)) return false;
    for (const kind of KINDS) (opened[urls.indexOf(endpoints[kind])] as LeanSocket).subscribe(kind, operations[kind]);
    subscribed = true;
    return true;
  };

  const connectConsole = async (index: number): Promise<boolean> => {
    if (request.reader === 'lean') return connectLeanConsole(index);
    const urls = [...new Set(KINDS.map((kind) => endpoints[kind]))];
    const sockets = await Promise.all(urls.map((url) => connectSocket(url, index)));
    if (sockets.some((socket) => socket === null)) return false;
    for (const kind of KINDS) {
      const client = sockets[urls.indexOf(endpoints[kind])] as Client;
      client.subscribe(
        { query: operations[kind] },
        {
          next: (result) => {
            const receivedAt = Date.now();
            if (result.errors) recorder.error(`${kind}: ${result.errors.map((e) => e.message).join('; ')}`);
            if (!result.data) return;
            recorder.event(index, kind, eventFieldsOf(result.data), receivedAt);
          },
          // A close arrives here as a CloseEvent too; `closed` above already counted it.
          error: (error) => {
            if (typeof (error as { code?: unknown }).code !== 'number') recorder.error(`${kind}: ${describe(error)}`);
          },
          complete: () => undefined,
        },
      );
    }
    return true;
  };

  for (let start = 0; start < clients; start += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, clients - start) }, (_, i) => start + i);
    if (Date.now() > deadline) {
      failed += batch.length;
      continue;
    }
    const outcomes = await Promise.all(batch.map(connectConsole));
    for (const ok of outcomes) {
      if (ok) connected += 1;
      else failed += 1;
    }
  }

  return {
    outcome: { connected, failed, sockets: open.length + lean.length, elapsedMs: Date.now() - began, errorSamples },
    async dispose() {
      disposing = true;
      await Promise.all([...open.map((client) => client.dispose()), ...lean.map((socket) => socket.close())]);
    },
    hangUp() {
      disposing = true;
      for (const socket of sockets) socket.terminate();
      for (const socket of lean) socket.terminate();
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return error.map((item: { message?: string }) => item.message ?? String(item)).join('; ');
  const { code, reason, message } = (error ?? {}) as { code?: number; reason?: string; message?: string };
  if (code !== undefined) return `close ${code}${reason ? ` ${reason}` : ''}`;
  return message ?? String(error);
}

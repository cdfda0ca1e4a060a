import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type {
  ArmRequest,
  ClientReply,
  ClientRequest,
  CollectReply,
  CollectRequest,
  ConnectReply,
  ConnectRequest,
  DisconnectReply,
} from './clientProtocol';

/** The console-client process, driven one request at a time. */
export interface ClientProcess {
  connect(request: Omit<ConnectRequest, 'type'>, timeoutMs: number): Promise<ConnectReply>;
  arm(request: Omit<ArmRequest, 'type'>): Promise<void>;
  collect(request: Omit<CollectRequest, 'type'>, timeoutMs: number): Promise<CollectReply>;
  disconnect(timeoutMs: number): Promise<DisconnectReply>;
  /** Ends the process (politely, then by signal); resolves once it has exited. */
  close(): Promise<void>;
}

/**
 * Forks clientProcess.ts with tsx as its only node option, so that profiling flags given to
 * the benchmark (`--cpu-prof`) apply to the hub process alone.
 */
export async function startClientProcess(): Promise<ClientProcess> {
  const child: ChildProcess = fork(join(__dirname, 'clientProcess.ts'), [], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_CLIENT_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });

  let busy = false;
  const request = <R extends ClientReply>(message: ClientRequest, type: R['type'], timeoutMs: number): Promise<R> => {
    if (busy) return Promise.reject(new Error('bench: one client-process request at a time'));
    busy = true;
    return new Promise<R>((resolve, reject) => {
      const done = (outcome: () => void) => {
        busy = false;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        outcome();
      };
      const onMessage = (reply: ClientReply) => {
        if (reply.type === 'error') done(() => reject(new Error(`client process: ${reply.message}`)));
        else if (reply.type === type) done(() => resolve(reply as R));
      };
      const onExit = (code: number | null) => done(() => reject(new Error(`client process exited (${code}) during ${message.type}`)));
      const timer = setTimeout(
        () => done(() => reject(new Error(`client process did not answer ${message.type} within ${timeoutMs} ms`))),
        timeoutMs,
      );
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(message);
    });
  };

  return {
    connect: (fields, timeoutMs) => request<ConnectReply>({ type: 'connect', ...fields }, 'connect', timeoutMs),
    arm: async (fields) => void (await request({ type: 'arm', ...fields }, 'arm', 10_000)),
    collect: (fields, timeoutMs) => request<CollectReply>({ type: 'collect', ...fields }, 'collect', timeoutMs),
    disconnect: (timeoutMs) => request<DisconnectReply>({ type: 'disconnect' }, 'disconnect', timeoutMs),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.disconnect();
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}

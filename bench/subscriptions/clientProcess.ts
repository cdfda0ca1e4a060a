/**
 * The console clients' process, forked by startClientProcess.ts: it opens the consoles, records
 * what they receive and answers the benchmark's requests (see clientProtocol.ts). Kept apart
 * from the hub so that the hub's CPU and memory figures are the hub's own.
 */
import { assertNever } from '../../errors/assertNever';
import type { ClientReply, ClientRequest, CollectRequest, ProcessLoad } from './clientProtocol';
import { type ConsoleClients, connectClients } from './connectClients';
import { type DeliveryRecorder, createDeliveryRecorder } from './createDeliveryRecorder';
import { measureWindow } from './measureProcess';

interface Session {
  readonly recorder: DeliveryRecorder;
  readonly consoles: ConsoleClients;
  window?: { fromMs: number; toMs: number; load: { result(): ProcessLoad }; hangUp: NodeJS.Timeout };
  collected?: boolean;
  hungUp?: boolean;
}

let session: Session | undefined;

async function handle(request: ClientRequest): Promise<ClientReply> {
  switch (request.type) {
    case 'connect': {
      await session?.consoles.dispose();
      const recorder = createDeliveryRecorder({ clients: request.clients, unitIds: request.unitIds });
      const consoles = await connectClients(request, recorder);
      session = { recorder, consoles };
      return { type: 'connect', ...consoles.outcome };
    }
    case 'arm': {
      const current = requireSession();
      const { fromMs, toMs, hangUpAfterMs } = request;
      current.recorder.arm(fromMs, toMs);
      const hangUp = setTimeout(() => {
        if (current.collected) return;
        current.hungUp = true;
        current.consoles.hangUp();
      }, toMs + hangUpAfterMs - Date.now());
      current.window = { fromMs, toMs, load: measureWindow(fromMs, toMs), hangUp };
      return { type: 'arm' };
    }
    case 'collect':
      return { type: 'collect', summary: await collect(requireSession(), request) };
    case 'disconnect': {
      const began = Date.now();
      await session?.consoles.dispose();
      session = undefined;
      return { type: 'disconnect', elapsedMs: Date.now() - began };
    }
    default:
      return assertNever(request);
  }
}

/** Waits until measured events stop arriving (or the deadline), then summarises. */
async function collect(current: Session, request: CollectRequest) {
  const { window } = current;
  if (!window) throw new Error('collect before arm');
  const deadline = current.hungUp ? Date.now() : Math.max(window.toMs + request.maxWaitMs, Date.now() + request.quietMs);
  let drainDeadlineReached = false;
  for (;;) {
    const now = Date.now();
    const quietSince = Math.max(current.recorder.lastMeasuredAt, window.toMs);
    if (now - quietSince >= request.quietMs) break;
    if (now >= deadline) {
      drainDeadlineReached = true;
      break;
    }
    await sleep(100);
  }
  current.collected = true;
  clearTimeout(window.hangUp);
  const load = window.load.result();
  return current.recorder.summarize(request.published, { load, drainDeadlineReached, hungUp: current.hungUp ?? false });
}

function requireSession(): Session {
  if (!session) throw new Error('no consoles connected');
  return session;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

process.on('message', (request: ClientRequest) => {
  handle(request).then(
    (reply) => process.send?.(reply),
    (error: unknown) =>
      process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies ClientReply),
  );
});
// The benchmark went away: nothing left to report to.
process.on('disconnect', () => process.exit(0));

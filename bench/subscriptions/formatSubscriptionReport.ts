import { availableParallelism } from 'node:os';
import type { KindSummary, ProcessLoad, SubscriptionKind } from './clientProtocol';
import type { SubscriptionBenchSettings } from './readSubscriptionBenchSettings';
import { type PathResult, describeState } from './runPath';
import { mb, ms, table } from '../reportTable';

const KIND_LABEL: Readonly<Record<SubscriptionKind, string>> = { position: 'unitPositions', call: 'callReceived' };

/** The report: latency and delivery side by side, then publisher, memory, CPU and hub state per path. */
export function formatSubscriptionReport(settings: SubscriptionBenchSettings, results: readonly PathResult[]): string {
  const lines: string[] = [];
  lines.push(
    `Subscriptions: ${settings.clients} consoles x 2 subscriptions (gateway consoles belong to ${Math.min(settings.operators, settings.clients)} operators, one audit record per operator per call); ${settings.fixesPerSecond} fixes/s over ${settings.unitCount} units, ` +
      `${settings.callsPerSecond} calls/s; ${settings.warmupSeconds} s warm-up + ${settings.seconds} s measured per path; ` +
      'gateway = through the gateway (positions + CAD call sign/status; calls + cameras + units); direct = straight to avl/calls, owned fields only. ' +
      (settings.reader === 'lean'
        ? 'Consoles read with the lean reader: the measured fields from each message\'s text, one message in 64 parsed in full and checked (BENCH_CONSOLE_READER=graphql-ws for graphql-ws\'s client).'
        : 'Consoles read with graphql-ws\'s client, which parses every message in full.'),
    '',
  );

  lines.push('Delivery (latency = receipt in the console process - publish time stamped in the event, ms)');
  lines.push(
    ...table(
      ['path', 'clients', 'delivered/s', 'subscription', 'p50', 'p90', 'p99', 'max', 'delivered/expected per client (min/median/max)', 'complete', 'coalesced', 'lost', 'dup'],
      results.flatMap((result) => {
        const { delivery } = result;
        const clients = `${result.connect?.connected ?? 0}/${result.requestedClients}`;
        if (!delivery) return [[result.path, clients, 'n/a', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-']];
        return (['position', 'call'] as const).map((kind, row) => {
          const k: KindSummary = delivery.kinds[kind];
          const spread = `${k.deliveredPerClient.min}/${k.deliveredPerClient.median}/${k.deliveredPerClient.max} of ${k.expectedPerClient}`;
          return [
            row === 0 ? result.path : '',
            row === 0 ? clients : '',
            row === 0 ? delivery.deliveredPerSecond.toFixed(0) : '',
            KIND_LABEL[kind],
            ms(k.latencyMs.p50),
            ms(k.latencyMs.p90),
            ms(k.latencyMs.p99),
            ms(k.latencyMs.max),
            spread,
            `${k.completeClients}`,
            `${k.coalesced}`,
            `${k.lost}`,
            `${k.duplicates + k.outOfOrder + k.unexpected}`,
          ];
        });
      }),
    ),
    '  coalesced: a later fix of the same unit reached the console instead (latest wins for slow consoles, by design);',
    '  lost: nothing later replaced it, or it was still queued when collection stopped; dup: duplicates + out of order + never published.',
    '',
  );

  lines.push(`Publisher (hub process, timer every ${settings.tickMs} ms; emit = sink.emit until it resolves: validated, stored, handed to the feeds)`);
  lines.push(
    ...table(
      ['path', 'fixes/s target', 'achieved', 'calls/s target', 'achieved', 'skipped (behind)', 'failed', 'rejected', 'emit p50', 'emit p99', 'emit max', 'max in flight', 'max timer lag'],
      results.map(({ path, publish, rejected }) =>
        publish
          ? [
              path,
              `${settings.fixesPerSecond}`,
              publish.achievedFixesPerSecond.toFixed(1),
              `${settings.callsPerSecond}`,
              publish.achievedCallsPerSecond.toFixed(2),
              `${publish.skippedBehind}`,
              `${publish.failed}`,
              `${rejected}`,
              ms(publish.emitMs.p50),
              ms(publish.emitMs.p99),
              ms(publish.emitMs.max),
              `${publish.maxInFlight}`,
              ms(publish.maxTickLagMs),
            ]
          : [path, `${settings.fixesPerSecond}`, 'n/a', `${settings.callsPerSecond}`, 'n/a', '-', '-', '-', '-', '-', '-', '-', '-'],
      ),
    ),
    '',
  );

  lines.push('Hub process memory (baseline and idle after a full GC; load = samples every 0.5 s in the window)');
  lines.push(
    ...table(
      ['path', 'RSS base', 'RSS idle', 'RSS load mean/peak', 'heap base', 'heap idle', 'heap load mean/peak', 'per client idle RSS/heap', 'per client load RSS/heap'],
      results.map(({ path, memory, connect }) => {
        const n = connect?.connected ?? 0;
        const { baseline, idle, load } = memory;
        const perClient = (rss: number, heap: number) => (n > 0 ? `${kb((rss - baseline.rss) / n)} / ${kb((heap - baseline.heapUsed) / n)}` : 'n/a');
        return [
          path,
          mb(baseline.rss),
          idle ? mb(idle.rss) : 'n/a',
          load?.samples ? `${mb(load.mean.rss)} / ${mb(load.peak.rss)}` : 'n/a',
          mb(baseline.heapUsed),
          idle ? mb(idle.heapUsed) : 'n/a',
          load?.samples ? `${mb(load.mean.heapUsed)} / ${mb(load.peak.heapUsed)}` : 'n/a',
          idle ? perClient(idle.rss, idle.heapUsed) : 'n/a',
          load?.samples ? perClient(load.mean.rss, load.mean.heapUsed) : 'n/a',
        ];
      }),
    ),
    '  heap: the main thread\'s plus the gateway thread\'s. per client = (figure - baseline) / consoles. Heap is the figure to trust: RSS also moves with PGlite\'s WASM memory and',
    '  allocator reuse (it can fall below the baseline), and load samples include garbage not yet collected.',
    '  The direct path\'s memory is the subgraphs\' (same process): 2 sockets per console there, 1 through the gateway.',
    '',
  );

  lines.push(
    `CPU in the measured window on ${availableParallelism()} cores (cores: 1.00 = one core busy; ELU: share of time the event loop was busy; ` +
      'other processes: cores busy on the machine minus hub and clients)',
  );
  lines.push(
    ...table(
      ['path', 'hub cores', 'hub ELU main / gateway', 'hub span', 'clients cores', 'clients ELU', 'clients span', 'drain after window', 'other processes'],
      results.map(({ path, hubLoad, delivery }) => [
        path,
        hubLoad ? hubLoad.cpuCores.toFixed(2) : 'n/a',
        hubLoad
          ? `${hubLoad.eventLoopUtilization.toFixed(2)} / ${hubLoad.gatewayEventLoopUtilization === undefined ? 'same thread' : hubLoad.gatewayEventLoopUtilization.toFixed(2)}`
          : 'n/a',
        hubLoad ? `${hubLoad.spanSeconds.toFixed(1)} s` : 'n/a',
        delivery ? delivery.load.cpuCores.toFixed(2) : 'n/a',
        delivery ? delivery.load.eventLoopUtilization.toFixed(2) : 'n/a',
        delivery ? `${delivery.load.spanSeconds.toFixed(1)} s` : 'n/a',
        delivery ? `${(delivery.deliverySeconds - delivery.windowSeconds).toFixed(1)} s${delivery.drainDeadlineReached ? ' (deadline reached)' : ''}` : 'n/a',
        formatOthers(hubLoad, delivery?.load ?? null),
      ]),
    ),
    '  hub cores: the whole hub process (every thread); ELU per thread: the main thread (subgraphs, storage, ingest, the publisher)',
    '  and the gateway\'s own thread (GATEWAY_THREAD=worker; "same thread" with GATEWAY_THREAD=main).',
    '  span: what the CPU figures cover; longer than the window when a starved event loop fired the opening timer late.',
    '',
  );

  lines.push('Hub subscription state (hub.gateway.subscriptionStats() and the subgraphs\' change-feed subscribers)');
  for (const { path, state } of results) {
    for (const [moment, value] of Object.entries(state)) {
      lines.push(`  ${path.padEnd(7)} ${moment.padEnd(8)} ${value ? describeState(value) : 'n/a'}`);
    }
  }
  lines.push('');

  const notes = results.flatMap(({ path, notes: pathNotes, delivery, publish, hubLoad }) => [
    ...pathNotes.map((note) => `${path}: ${note}`),
    ...((othersOf(hubLoad, delivery?.load ?? null) ?? 0) > 0.25
      ? [`${path}: other processes used ${formatOthers(hubLoad, delivery?.load ?? null)} of the machine during the window: the figures are pessimistic`]
      : []),
    ...(publish && publish.maxTickLagMs > 1000
      ? [`${path}: the hub's event loop held the publisher's 10 ms timer back by up to ${(publish.maxTickLagMs / 1000).toFixed(1)} s (what was owed went out in one burst after)`]
      : []),
    ...(publish && publish.fixesAccepted + publish.callsAccepted === 0
      ? [`${path}: nothing published inside the measured window was accepted: the hub was blocked for the whole window, so it has no delivery figures`]
      : []),
    ...(publish && publish.unsettled > 0 ? [`${path}: ${publish.unsettled} emits had not resolved 15 s after the window`] : []),
    ...(delivery && Object.keys(delivery.closeCodes).length > 0
      ? [`${path}: sockets closed by the server during the run, by close code (4008 = too slow): ${JSON.stringify(delivery.closeCodes)}`]
      : []),
    ...(delivery && delivery.errors > 0 ? [`${path}: ${delivery.errors} errors received, e.g. ${delivery.errorSamples.join(' | ')}`] : []),
    ...(delivery && delivery.clientsThatReceivedBoth < delivery.clients
      ? [`${path}: only ${delivery.clientsThatReceivedBoth} of ${delivery.clients} consoles received both kinds at all`]
      : []),
    ...(delivery && delivery.load.eventLoopUtilization > 0.9
      ? [`${path}: the client process was saturated (ELU ${delivery.load.eventLoopUtilization.toFixed(2)}): latencies include its own queueing`]
      : []),
  ]);
  if (notes.length > 0) lines.push('Notes', ...notes.map((note) => `  ${note}`));
  return lines.join('\n');
}

/** Cores other processes kept busy: the machine's busy cores minus the hub's and the clients'. */
function othersOf(hub: ProcessLoad | null, clients: ProcessLoad | null): number | null {
  if (hub?.machineCores == null) return null;
  return Math.max(0, hub.machineCores - hub.cpuCores - (clients?.cpuCores ?? 0));
}

function formatOthers(hub: ProcessLoad | null, clients: ProcessLoad | null): string {
  const others = othersOf(hub, clients);
  return others === null ? 'n/a' : `${others.toFixed(2)} cores`;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

// `npm start`: the whole hub in one process — four subgraphs, the gateway and the simulated city.
import { resolve } from 'node:path';
import pino from 'pino';
import { type Adapter, isListening } from '../contract';
import { createConfiguredHub } from './createConfiguredHub';
import { historyOf } from './createSimulatedCity';
import { type HubConfig, readHubConfig } from '../config/hubConfig';
import { DataDirectoryInUseError } from '../storage/lockDataDirectory';
import { startTracing } from '../observability/startTracing';
import { traceLogMixin } from '../observability/traceLogMixin';

/** Where vendors reach an adapter that listens, on the host shown, for the start-up banner. */
function describeEndpoints(adapter: Adapter, host: string): string {
  if (!isListening(adapter)) return '';
  return adapter
    .endpoints()
    .map((endpoint) => {
      const url = new URL(endpoint);
      url.hostname = host.includes(':') ? `[${host}]` : host;
      return ` ${url.href}`;
    })
    .join('');
}

/** Where the hub keeps its data, for the start-up banner. */
function describeStorage(config: HubConfig): string {
  if (config.databaseUrl) return 'PostgreSQL';
  return config.pgliteDataDir ? `embedded PGlite in ${resolve(config.pgliteDataDir)}` : 'embedded PGlite in memory (PGLITE_DATA_DIR=memory: gone at exit)';
}

async function main(): Promise<void> {
  let config: HubConfig;
  try {
    config = readHubConfig();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  const logger = pino({ level: config.logLevel, mixin: traceLogMixin });
  // Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; the gateway's own thread starts its own.
  const tracing = await startTracing({ endpoint: config.otelExporterOtlpEndpoint, serviceName: config.otelServiceName });
  console.log(
    `Starting RTCC Hub on ${describeStorage(config)}` +
      (config.simulator
        ? ` with the simulated city (seed ${config.simSeed}, ${config.simUnits} units, ${config.simCameras} cameras` +
          (historyOf(config).minutes > 0 ? `, its last ${historyOf(config).minutes} minutes played first)` : ')')
        : '') +
      ' …',
  );
  const { hub, city, adapters, close } = await createConfiguredHub({ config, logger });
  const shownHost = ['127.0.0.1', '0.0.0.0', '::', '::1'].includes(config.host) ? 'localhost' : config.host;
  const port = new URL(hub.gatewayUrl).port;
  for (const adapter of adapters) console.log(`  adapter ${adapter.name}${describeEndpoints(adapter, shownHost)}`);
  const onvifDevices = city?.onvifDevices ?? [];
  if (onvifDevices.length > 0) {
    console.log(`  simulated ONVIF cameras: ${onvifDevices.map((device) => `${device.cameraId} ${device.deviceServiceUrl}`).join(', ')}`);
  }
  console.log(
    config.authIssuer
      ? `  tokens: from ${config.authIssuer} (audience ${config.authAudience})`
      : '  tokens: development issuer; get one with `npm run token -- --role operator` (Authorization: Bearer …, X-Purpose for restricted fields)',
  );
  console.log(`  operator console: http://${shownHost}:${port}/`);
  console.log(`  explorer: http://${shownHost}:${port}/graphiql`);
  console.log(`RTCC Hub ready: http://${shownHost}:${port}/graphql  (Ctrl-C to stop)`);

  let stoppingSince: number | null = null;
  const stop = async (signal: string) => {
    // Ctrl-C reaches us twice (from the terminal and relayed by npm): only a later one forces exit.
    if (stoppingSince !== null) {
      if (Date.now() - stoppingSince < 1000) return;
      console.error('Forced exit.');
      process.exit(1);
    }
    stoppingSince = Date.now();
    console.log(`\n${signal}: stopping …`);
    await close();
    await tracing?.shutdown().catch((error: unknown) => console.error('Flushing traces failed:', error));
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Without its gateway the hub serves nobody: stop, so that a supervisor restarts it.
  hub.gateway.onFailure((error) => {
    console.error('The gateway failed:', error.message);
    void close().finally(() => process.exit(1));
  });
}

main().catch((error: unknown) => {
  // A held data directory is an operator's matter, not a bug: the message says what to do.
  if (error instanceof DataDirectoryInUseError) console.error(`RTCC Hub failed to start: ${error.message}`);
  else console.error('RTCC Hub failed to start:', error);
  process.exit(1);
});

import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'pino';
import { type Adapter, isCameraController } from '../contract';
import { createDuplicateFilter } from '../bus/createDuplicateFilter';
import type { EventBus } from '../bus/eventBus';
import { createInProcessBus } from '../bus/createInProcessBus';
import { createNatsBus } from '../bus/nats';
import { SUBGRAPH_NAMES, type SubgraphName } from '../schema/subgraphCatalog';
import { type Database, type Migration, createDatabase, createEmbeddedPostgres } from '../storage/createDatabase';
import { type AvlSubgraph, type DeviceDirectory, avlMigrations, createAvlSubgraph } from '../subgraphs/avl';
import { cadMigrations, createCadSubgraph } from '../subgraphs/cad';
import { callsMigrations, createCallsSubgraph } from '../subgraphs/calls';
import { camerasMigrations, createCamerasSubgraph } from '../subgraphs/cameras';
import { createDeadLetterStore, ingestMigrations } from '../ingest';
import { createIngestSubgraph } from '../subgraphs/ingest';
import { type AuditSubgraph, auditMigrations, createAuditSubgraph } from '../subgraphs/audit';
import { type AuditLog, createAuditLog } from '../audit';
import { type CommunitySettings, communityMigrations, createCommunitySubgraph } from '../subgraphs/community';
import { type NotificationPort, createConfiguredNotifier } from '../notifications';
import { type SubgraphServer, createSubgraphServer } from '../subgraphs/createSubgraphServer';
import type { SignatureReplayCache } from '../wire/gatewaySignature';
import { openSignatureReplayCache } from '../wire/openSignatureReplayCache';
import type { CameraControl, NearbyDefaults, Subgraph, SubgraphDependencies } from '../subgraphs/subgraph';
import { type IngestSink, createEventSink } from '../ingest/createEventSink';
import { createIngestTokenCheck } from './createIngestTokenCheck';
import type { VerifyBearer } from '../adapters/eido-http';
import type { AdapterContextLookups } from '../adapters/adapterFactoryContext';
import type { HubConfig } from '../config/hubConfig';
import { openDevIssuer } from './createHubAuth';
import { type HubGateway, startHubGateway } from './startHubGateway';
import { type RunningRetention, startRetention } from '../retention';
import type { DevTokenClaims } from '../auth/createDevIssuer';
import { type HubMetrics, createHubMetrics } from '../observability/createHubMetrics';
import type { ReadinessCheck } from '../observability/createReadiness';

export interface HubOptions {
  readonly config: HubConfig;
  readonly logger: Logger;
  /** The clock; defaults to the system clock. */
  readonly now?: () => Date;
  /**
   * Vendor adapters (or the simulator) to start once the hub serves; a function receives the
   * hub's lookups that adapters need at the edge (AVL device → unit).
   */
  readonly adapters?: readonly Adapter[] | ((lookups: AdapterLookups) => readonly Adapter[]);
  /**
   * How Community Connect tells owners of footage requests, when the agency supplies its own
   * (email and SMS over its transports: notifications/createEmailNotifier, createSmsNotifier);
   * default the adapter COMMUNITY_NOTIFIER names.
   */
  readonly notifier?: NotificationPort;
}

/** What adapters may consult while translating (`AdapterContextLookups`), as the hub's own parts provide it. */
export interface AdapterLookups extends AdapterContextLookups {
  readonly devices: DeviceDirectory;
  readonly auditLog: AuditLog;
}

/** One running subgraph: its definition, its database handle and its HTTP server. */
export interface RunningSubgraph {
  readonly subgraph: Subgraph;
  readonly db: Database;
  readonly server: SubgraphServer;
}

/** The whole hub in one process. */
export interface Hub {
  readonly gatewayUrl: string;
  readonly subgraphs: Readonly<Record<SubgraphName, RunningSubgraph>>;
  /** Where adapters deliver events; tests feed events through it too. */
  readonly sink: IngestSink;
  readonly gateway: HubGateway;
  /** AVL device → unit assignments. */
  readonly devices: DeviceDirectory;
  /** Signs a token with the development issuer; undefined when AUTH_ISSUER points elsewhere. */
  readonly issueToken: ((claims: DevTokenClaims) => Promise<string>) | undefined;
  /** The retention job and intelligence holds (tests run a purge at a chosen time through it). */
  readonly retention: RunningRetention;
  /** Stops one subgraph's HTTP server (its data stays), to exercise partial answers. */
  stopSubgraph(name: SubgraphName): Promise<void>;
  /** Serves a stopped subgraph again on the port it had. */
  startSubgraph(name: SubgraphName): Promise<void>;
  close(): Promise<void>;
}

/** Something to undo at shutdown, named for the log. */
interface CleanupStep {
  readonly name: string;
  run(): Promise<void>;
}

/** What the hub itself provides to the subgraphs that need it (ingest, cameras, community). */
interface HubServices {
  readonly config: HubConfig;
  readonly logger: Logger;
  readonly cameraControl: CameraControl;
  readonly sink: IngestSink;
  readonly deadLetters: ReturnType<typeof createDeadLetterStore>;
  readonly adapters: () => readonly Adapter[];
  readonly metrics: HubMetrics;
  /** The audit log, once the audit subgraph has opened it (it starts before the community subgraph). */
  readonly auditLog: () => AuditLog;
  /** The agency's own notifier (HubOptions.notifier), if it supplied one. */
  readonly notifier: NotificationPort | undefined;
}

interface SubgraphFactory {
  readonly migrations: readonly Migration[];
  create(dependencies: SubgraphDependencies, services: HubServices): Subgraph & { load?: () => Promise<void> };
  readonly port: (config: HubConfig) => number;
}

const SUBGRAPH_FACTORIES: Readonly<Record<SubgraphName, SubgraphFactory>> = {
  calls: { migrations: callsMigrations, create: createCallsSubgraph, port: (c) => c.callsPort },
  cad: { migrations: cadMigrations, create: createCadSubgraph, port: (c) => c.cadPort },
  avl: { migrations: avlMigrations, create: createAvlSubgraph, port: (c) => c.avlPort },
  cameras: {
    migrations: camerasMigrations,
    create: (dependencies, services) => createCamerasSubgraph(dependencies, { cameraControl: services.cameraControl }),
    port: (c) => c.camerasPort,
  },
  ingest: {
    migrations: ingestMigrations,
    create: ({ now }, services) => createIngestSubgraph({ now, ...services }),
    port: (c) => c.ingestPort,
  },
  // The audit subgraph owns the audit log; the gateway and authentication append to the same log.
  audit: {
    migrations: auditMigrations,
    create: ({ db, now }, { metrics }) => createAuditSubgraph({ auditLog: createAuditLog({ database: db, clock: now, onWritten: metrics.auditWritten }) }),
    port: (c) => c.auditPort,
  },
  // Community Connect: its camera events go through the sink like a VMS's; its HTTP steps are audited in the same log.
  community: {
    migrations: communityMigrations,
    create: (dependencies, services) =>
      createCommunitySubgraph(dependencies, {
        sink: services.sink,
        audit: { append: (record) => services.auditLog().append(record) },
        notifier:
          services.notifier ??
          createConfiguredNotifier(services.config.communityNotifier, { db: dependencies.db, logger: services.logger.child({ component: 'notifications' }), now: dependencies.now }),
        settings: communitySettingsOf(services.config),
        refusalWindowMs: services.config.communityRefusalWindowMs,
        onSweepError: (error) => services.logger.warn({ err: error }, 'community access sweep failed; the next one tries again'),
      }),
    port: (c) => c.communityPort,
  },
};

/** The community subgraph's settings, from the hub's (COMMUNITY_*, HUB_PUBLIC_URL, AGENCY_TIME_ZONE). */
function communitySettingsOf(config: HubConfig): CommunitySettings {
  return {
    linkSecret: config.communityLinkSecret ?? null,
    linkTtlSeconds: config.communityLinkTtlSeconds,
    publicUrl: config.hubPublicUrl ?? null,
    timeZone: config.agencyTimeZone,
    alarmMinutes: config.communityAlarmMinutes,
    sweepMs: config.communityAccessSweepMs,
    relayPrivateAddresses: config.communityRelayPrivateAddresses === true,
    footage: {
      maxWindowMinutes: config.communityFootageMaxWindowMinutes,
      requestTtlHours: config.communityFootageRequestTtlHours,
      maxClipBytes: config.communityFootageMaxBytes,
      linkTtlSeconds: config.communityFootageLinkTtlSeconds,
      maxAgeDays: config.communityFootageMaxAgeDays,
    },
  };
}

/**
 * Starts the hub: storage, the four subgraphs, the gateway, then the adapters. On failure
 * everything started so far is stopped again.
 */
export async function createHub(options: HubOptions): Promise<Hub> {
  const { config, logger, now = () => new Date() } = options;
  let adapters: readonly Adapter[] = [];
  const cleanup: CleanupStep[] = [];
  const closeAll = async () => {
    for (const { name, run } of cleanup.splice(0).reverse()) {
      logger.debug({ step: name }, 'stopping');
      await run().catch((error: unknown) => logger.warn({ err: error, step: name }, 'error while stopping'));
    }
  };

  try {
    const embedded = await openEmbeddedDatabase(config, cleanup);
    const signing = await subgraphSigning(config, logger, cleanup);
    // Rejections are kept from the first event on, so the dead-letter store opens first.
    const ingestDb = await openSubgraphDatabase('ingest', { config, embedded, cleanup });
    const bus = await openBus(config, logger, cleanup);
    const deadLetters = createDeadLetterStore(ingestDb);
    const sink = createEventSink({ bus, deadLetters, logger, now, deadLettersPerSourcePerMinute: config.deadLettersPerSourcePerMinute });
    cleanup.push({ name: 'ingest sink summaries', run: () => sink.close() });
    // One registry per hub; ingest is read from the sink's own counters at each scrape.
    const metrics = createHubMetrics();
    metrics.readIngest(() => sink.stats());
    const running = {} as Record<SubgraphName, RunningSubgraph>;
    const services: HubServices = {
      config,
      logger,
      sink,
      deadLetters,
      adapters: () => adapters,
      cameraControl: createCameraControl(() => adapters),
      metrics,
      auditLog: () => (running.audit.subgraph as AuditSubgraph).auditLog,
      notifier: options.notifier,
    };
    for (const name of SUBGRAPH_NAMES) {
      const db = name === 'ingest' ? ingestDb : undefined;
      running[name] = await startSubgraph(name, { config, logger, now, embedded, cleanup, services, db, signing });
      const isNew = createDuplicateFilter();
      const unsubscribe = bus.subscribe(async (event) => {
        if (isNew(event)) await running[name].subgraph.handleEvent(event);
      });
      cleanup.push({ name: `${name} bus subscription`, run: async () => void unsubscribe() });
    }
    await bus.ready?.();

    const { auditLog } = running.audit.subgraph as AuditSubgraph;
    const devIssuer = await openDevIssuer(config);
    const gateway = await startHubGateway({
      config,
      logger,
      audit: auditLog,
      subgraphUrls: Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, running[name].server.url])),
      subgraphSigningSecret: signing.secret,
      devIssuer,
      metrics,
      readinessChecks: readinessChecksOf(running, bus),
    });
    cleanup.push({ name: 'gateway', run: () => gateway.close() });
    // Each subgraph purges its own classes, tables and in-memory indexes alike.
    const participants = SUBGRAPH_NAMES.flatMap((name) => running[name].subgraph.retention ?? []);
    const retention = await startRetention({ config, embedded, auditLog, logger, clock: now, participants });
    cleanup.push({ name: 'retention', run: () => retention.stop() });

    const devices = (running.avl.subgraph as AvlSubgraph).devices;
    // Made on first use: only hubs with an ingest endpoint that takes tokens need it.
    let tokenCheck: Promise<VerifyBearer> | undefined;
    const verifyIngestToken: VerifyBearer = async (authorization, clientAddress) =>
      (await (tokenCheck ??= createIngestTokenCheck({ config, logger, devIssuer, auditLog })))(authorization, clientAddress);
    adapters = typeof options.adapters === 'function' ? options.adapters({ devices, auditLog, verifyIngestToken }) : (options.adapters ?? []);
    for (const adapter of adapters) {
      await adapter.start(sink);
      cleanup.push({ name: `adapter ${adapter.name}`, run: () => adapter.stop() });
    }

    return {
      gatewayUrl: gateway.url,
      gateway,
      issueToken: devIssuer ? (claims) => devIssuer.sign(claims) : undefined,
      devices,
      subgraphs: running,
      sink,
      stopSubgraph: (name) => running[name].server.close(),
      async startSubgraph(name) {
        const { subgraph, db, server } = running[name];
        const port = Number(new URL(server.url).port);
        const restarted = await serveSubgraph(name, subgraph, { config, logger, port, signing });
        running[name] = { subgraph, db, server: restarted };
        cleanup.push({ name: `${name} server (restarted)`, run: () => restarted.close() });
      },
      retention,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** NATS JetStream when NATS_URL is set (several replicas), else the in-process bus (one process). */
async function openBus(
  config: HubConfig,
  logger: Logger,
  cleanup: CleanupStep[],
): Promise<EventBus & { ready?: () => Promise<void>; reachable?: () => Promise<void> }> {
  if (!config.natsUrl) return createInProcessBus();
  const bus = await createNatsBus({
    url: config.natsUrl,
    stream: config.natsStream,
    subjectPrefix: config.natsSubjectPrefix,
    logger: logger.child({ component: 'nats-bus' }),
  });
  cleanup.push({ name: 'NATS bus', run: () => bus.close() });
  return bus;
}

/** What `/ready` checks in this thread: each subgraph's database (one cheap query) and the bus. */
function readinessChecksOf(running: Readonly<Record<SubgraphName, RunningSubgraph>>, bus: { reachable?: () => Promise<void> }): ReadinessCheck[] {
  const databases: ReadinessCheck[] = SUBGRAPH_NAMES.map((name) => ({
    name: `database ${name}`,
    check: async () => void (await running[name].db.knex.raw('select 1')),
  }));
  // The in-process bus is this process: reachable while it runs.
  return [...databases, { name: 'bus', check: async () => await bus.reachable?.() }];
}

async function openEmbeddedDatabase(config: HubConfig, cleanup: CleanupStep[]): Promise<PGlite | undefined> {
  if (config.databaseUrl) return undefined;
  const embedded = await createEmbeddedPostgres(config.pgliteDataDir);
  cleanup.push({ name: 'embedded PGlite', run: () => embedded.close() });
  return embedded;
}

async function startSubgraph(
  name: SubgraphName,
  context: {
    config: HubConfig;
    logger: Logger;
    now: () => Date;
    embedded: PGlite | undefined;
    cleanup: CleanupStep[];
    services: HubServices;
    /** An already open database for the subgraph, if the hub needed it earlier. */
    db: Database | undefined;
    signing: SubgraphSigning;
  },
): Promise<RunningSubgraph> {
  const { config, logger, now, embedded, cleanup, services, signing } = context;
  const factory = SUBGRAPH_FACTORIES[name];
  const db = context.db ?? (await openSubgraphDatabase(name, { config, embedded, cleanup }));
  const subgraph = factory.create({ db, now, nearby: nearbyDefaults(config) }, services);
  cleanup.push({ name: `${name} pending writes`, run: async () => subgraph.close?.() });
  await subgraph.load?.();
  const server = await serveSubgraph(name, subgraph, { config, logger, port: factory.port(config), signing });
  cleanup.push({ name: `${name} server`, run: () => server.close() });
  return { subgraph, db, server };
}

async function openSubgraphDatabase(
  name: SubgraphName,
  { config, embedded, cleanup }: { config: HubConfig; embedded: PGlite | undefined; cleanup: CleanupStep[] },
): Promise<Database> {
  const db = await createDatabase({
    url: config.databaseUrl,
    embedded,
    schema: `${config.schemaPrefix ?? ''}${name}`,
    migrations: SUBGRAPH_FACTORIES[name].migrations,
  });
  cleanup.push({ name: `${name} database`, run: () => db.close() });
  return db;
}

function serveSubgraph(
  name: SubgraphName,
  subgraph: Subgraph,
  { config, logger, port, signing }: { config: HubConfig; logger: Logger; port: number; signing: SubgraphSigning },
): Promise<SubgraphServer> {
  return createSubgraphServer({
    name,
    schema: subgraph.schema,
    createContext: () => subgraph.createContext(),
    gatewaySignature: signing,
    logger,
    host: config.host,
    port,
    requestTimeoutMs: config.httpRequestTimeoutMs,
    ...(subgraph.publicRoutes ? { publicRoutes: subgraph.publicRoutes } : {}),
  });
}

/** How the gateway signs its requests to the subgraphs and how strictly they check. */
interface SubgraphSigning {
  readonly secret: string;
  readonly maxSkewMs: number;
  /** The signatures already used, one cache for every subgraph here (and every replica, on PostgreSQL). */
  readonly replays: SignatureReplayCache;
}

/**
 * SUBGRAPH_SIGNING_SECRET, or else a random secret for this process: enough here, where the
 * gateway and every subgraph run in one process; separate processes must share a set one.
 * Used signatures are shared through PostgreSQL when it is set (replicas), else kept in memory.
 */
async function subgraphSigning(config: HubConfig, logger: Logger, cleanup: CleanupStep[]): Promise<SubgraphSigning> {
  const replays = await openSignatureReplayCache({
    databaseUrl: config.databaseUrl,
    schema: `${config.schemaPrefix ?? ''}gateway_signatures`,
    maxSkewMs: config.subgraphSignatureMaxSkewMs,
    maxEntries: config.subgraphSignatureNoncesMax,
    logger,
  });
  cleanup.push({ name: 'signature replay cache', run: () => replays.close() });
  return {
    secret: config.subgraphSigningSecret ?? randomBytes(32).toString('hex'),
    maxSkewMs: config.subgraphSignatureMaxSkewMs,
    replays: replays.replays,
  };
}

function nearbyDefaults(config: HubConfig): NearbyDefaults {
  return {
    unitsRadiusMeters: config.nearbyUnitsRadiusMeters,
    unitsLimit: config.nearbyUnitsLimit,
    camerasRadiusMeters: config.nearbyCamerasRadiusMeters,
    camerasLimit: config.nearbyCamerasLimit,
    cameraDefaultRangeMeters: config.cameraDefaultRangeMeters,
    staleAfterSeconds: config.staleAfterSeconds,
  };
}

/** Camera control through whichever running adapter commands a camera (ONVIF adapters do). */
function createCameraControl(adapters: () => readonly Adapter[]): CameraControl {
  const controllerOf = (cameraId: string) =>
    adapters().filter(isCameraController).find((adapter) => adapter.controls(cameraId));
  return {
    controls: (cameraId) => controllerOf(cameraId) !== undefined,
    aim: async (cameraId, target) => {
      const controller = controllerOf(cameraId);
      if (!controller) throw new Error(`no adapter controls camera ${cameraId}`);
      return controller.aim(cameraId, target);
    },
  };
}

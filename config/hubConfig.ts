import { parseFieldCosts } from './parseFieldCosts';
import { parseSourceAllowList } from './parseSourceAllowList';
import { parseSourceSecrets } from './parseSourceSecrets';

/** One environment variable the hub reads: its default and what it does. README lists them all. */
interface Setting<T> {
  readonly name: string;
  /** Shown in the README; `undefined` means "unset". */
  readonly defaultValue: string | undefined;
  readonly description: string;
  readonly parse: (raw: string) => T;
}

const text = (raw: string) => raw;
/** A port, or `off` to disable the listener. */
const portOrOff = (raw: string): number | null => (/^off$/i.test(raw) ? null : port(raw));
const url = (raw: string) => {
  if (!/^(https?|wss?):\/\/\S+$/.test(raw)) throw new Error('must be an http(s):// or ws(s):// URL');
  return raw;
};
const port = (raw: string) => integerIn(raw, 0, 65_535);
const positiveNumber = (raw: string) => {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error('must be a number greater than 0');
  return value;
};
const positiveInteger = (raw: string) => integerIn(raw, 1, Number.MAX_SAFE_INTEGER);
const count = (raw: string) => integerIn(raw, 0, Number.MAX_SAFE_INTEGER);
const flag = (raw: string) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error('must be true or false');
};
/** A shared secret: long enough for HMAC-SHA256 (RFC 2104 §3). */
const signingSecret = (raw: string) => {
  if (Buffer.byteLength(raw, 'utf8') < 32) throw new Error('must be at least 32 characters long');
  return raw;
};
/** A regular expression (JavaScript syntax, Unicode mode). */
const regularExpression = (raw: string) => {
  try {
    return new RegExp(raw, 'u');
  } catch (error) {
    throw new Error(`is not a regular expression: ${(error as Error).message}`);
  }
};
/** An IANA time zone name the runtime knows (Intl). */
const timeZone = (raw: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: raw });
  } catch {
    throw new Error('is not an IANA time zone this runtime knows (e.g. America/Chicago)');
  }
  return raw;
};
const logLevel = (raw: string) => {
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(raw)) {
    throw new Error('must be one of fatal, error, warn, info, debug, trace, silent');
  }
  return raw;
};

/** Adapter names, comma-separated, each once; `none` for none. Whether each is registered is the registry's to say. */
const adapterNames = (raw: string): readonly string[] => {
  if (/^none$/i.test(raw)) return [];
  const names = raw.split(',').map((name) => name.trim());
  const bad = names.find((name) => !/^[a-z0-9][a-z0-9-]*$/.test(name));
  if (bad !== undefined) throw new Error(`has ${JSON.stringify(bad)}: names are lower-case letters, digits and dashes, separated by commas`);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) throw new Error(`names ${twice} twice`);
  return names;
};

function integerIn(raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`must be an integer from ${min} to ${max}`);
  return value;
}

const define = <T>(name: string, defaultValue: string | undefined, description: string, parse: (raw: string) => T) =>
  ({ name, defaultValue, description, parse }) satisfies Setting<T>;

/** Every setting, in the order the README lists them. */
export const HUB_SETTINGS = {
  host: define('HOST', '127.0.0.1', 'Address the gateway and subgraphs listen on (0.0.0.0 to accept other machines).', text),
  gatewayPort: define('PORT', '4000', 'Gateway port; it serves `/graphql` and `/health`.', port),
  callsPort: define('CALLS_PORT', '4001', 'Port of the calls subgraph (0 picks a free one).', port),
  cadPort: define('CAD_PORT', '4002', 'Port of the CAD subgraph (0 picks a free one).', port),
  avlPort: define('AVL_PORT', '4003', 'Port of the AVL subgraph (0 picks a free one).', port),
  camerasPort: define('CAMERAS_PORT', '4004', 'Port of the cameras subgraph (0 picks a free one).', port),
  ingestPort: define('INGEST_PORT', '4005', 'Port of the ingest subgraph: adapter status and dead letters (0 picks a free one).', port),
  auditPort: define('AUDIT_PORT', '4006', 'Port of the audit subgraph: the audit trail, for auditors (0 picks a free one).', port),
  communityPort: define('COMMUNITY_PORT', '4007', 'Port of the community subgraph: Community Connect\'s owners, registrations, sharing terms and footage requests (0 picks a free one). The gateway relays its public routes (`/community/…`) on PORT.', port),
  databaseUrl: define(
    'DATABASE_URL',
    undefined,
    'PostgreSQL connection string. Unset: an embedded PGlite database, nothing to install.',
    text,
  ),
  schemaPrefix: define(
    'DATABASE_SCHEMA_PREFIX',
    undefined,
    'Prefix of the PostgreSQL schema each subgraph owns (`calls`, `cad`, `avl`, `cameras`), to share one database between hubs.',
    (raw) => {
      if (!/^[a-z_][a-z0-9_]*$/.test(raw)) throw new Error('must be lower-case letters, digits and underscores');
      return raw;
    },
  ),
  pgliteDataDir: define(
    'PGLITE_DATA_DIR',
    '.rtcc/data',
    'Directory where embedded PGlite (no DATABASE_URL) keeps its files, relative to the working directory, so that a restart keeps every incident, dead letter and audit record; locked while a hub or `npm run audit:verify` has it open (`rtcc-hub.lock`). `memory`: in memory only, gone at exit (as the tests run).',
    // Read as undefined: the embedded database then lives in memory.
    (raw) => (/^memory$/i.test(raw) ? undefined : raw),
  ),
  natsUrl: define(
    'NATS_URL',
    undefined,
    'NATS server(s) with JetStream, e.g. nats://127.0.0.1:4222, so that every replica sees every event. Unset: the in-process bus of one process.',
    text,
  ),
  natsStream: define('NATS_STREAM', 'RTCC_EVENTS', 'JetStream stream that carries domain events (created when missing).', text),
  natsSubjectPrefix: define('NATS_SUBJECT_PREFIX', 'rtcc.events', 'Subject prefix of domain events; an event goes to `<prefix>.<type>`.', text),
  nearbyUnitsRadiusMeters: define('NEARBY_UNITS_RADIUS_METERS', '5000', 'Default `radiusMeters` of `nearbyUnits` and `unitsNear`.', positiveNumber),
  nearbyUnitsLimit: define('NEARBY_UNITS_LIMIT', '5', 'Default `limit` of `nearbyUnits` and `unitsNear`.', positiveInteger),
  nearbyCamerasRadiusMeters: define('NEARBY_CAMERAS_RADIUS_METERS', '300', 'Default `radiusMeters` of `nearbyCameras` and `camerasNear`.', positiveNumber),
  nearbyCamerasLimit: define('NEARBY_CAMERAS_LIMIT', '4', 'Default `limit` of `nearbyCameras` and `camerasNear` (the four closest cameras, as consoles dock them).', positiveInteger),
  cameraDefaultRangeMeters: define('CAMERA_DEFAULT_RANGE_METERS', '100', 'Range assumed for a camera whose range is unknown, for `inView`.', positiveNumber),
  staleAfterSeconds: define('AVL_STALE_AFTER_SECONDS', '90', 'A position fix older than this is reported `stale` (Mesa CAD receives unit GPS every 30 s).', positiveNumber),
  subscriptionQueueLimit: define(
    'SUBSCRIPTION_QUEUE_LIMIT',
    '1000',
    'Subscription events that may wait for one client connection; a client further behind is disconnected (close code 4008). Position updates of one unit coalesce and do not count twice.',
    positiveInteger,
  ),
  subscriptionFlushIntervalMs: define(
    'SUBSCRIPTION_FLUSH_INTERVAL_MS',
    '10',
    'Least time between two writes of subscription events to one client: events due in between leave together in one socket write, and a unit\'s position updates in between coalesce (latest wins). After a quiet spell the first event leaves at once; events that do not coalesce (calls, incidents, statuses) leave on the next turn. 0 writes on every turn of the event loop.',
    (raw) => integerIn(raw, 0, 1000),
  ),
  gatewayThread: define(
    'GATEWAY_THREAD',
    'main',
    '`main` (default): the gateway shares the hub\'s thread with the subgraphs, storage and ingest; `worker`: the gateway gets a thread of its own, for a hub with cores to spare (on the two-core benchmark machine, whose consoles share the cores, it measured no better and used about 0.07 more cores).',
    (raw): 'worker' | 'main' => {
      if (raw !== 'worker' && raw !== 'main') throw new Error('must be worker or main');
      return raw;
    },
  ),
  subscriptionKeepAliveMs: define('SUBSCRIPTION_KEEPALIVE_MS', '12000', 'Period of the gateway\'s WebSocket pings; a client that has not answered one by the next is dropped.', positiveInteger),
  authIssuer: define(
    'AUTH_ISSUER',
    undefined,
    'OIDC issuer whose bearer JWTs the gateway accepts (its `iss`), e.g. https://login.example.gov/realms/pd. Unset: the hub runs its own development issuer (`npm run token`); never leave unset in production.',
    text,
  ),
  authAudience: define('AUTH_AUDIENCE', 'rtcc-hub', 'Audience (`aud`) the tokens must be issued for.', text),
  authJwksUrl: define(
    'AUTH_JWKS_URL',
    undefined,
    "URL of the issuer's JSON Web Key Set. Unset: read from the issuer's /.well-known/openid-configuration (`jwks_uri`) at start.",
    text,
  ),
  authRolesClaim: define('AUTH_ROLES_CLAIM', 'roles', 'Token claim holding the caller\'s roles (a list or a space-separated string); see "Who may see what".', text),
  authDevKeyFile: define(
    'AUTH_DEV_KEY_FILE',
    '.rtcc/dev-issuer-key.json',
    'Signing key of the development issuer, created on first use (mode 0600) and shared with `npm run token`; `memory` keeps it in memory only.',
    text,
  ),
  authDevTokenEndpoint: define(
    'AUTH_DEV_TOKEN_ENDPOINT',
    'loopback',
    'Who may get a development token from `POST /auth/dev/token` (the sign-in of the console and the explorer) while AUTH_ISSUER is unset: `loopback` (default) callers on this machine only, `any` every caller (never on a shared network), `off` no endpoint (`npm run token` still works). With AUTH_ISSUER set there is no such endpoint.',
    (raw): 'loopback' | 'any' | 'off' => {
      if (raw !== 'loopback' && raw !== 'any' && raw !== 'off') throw new Error('must be loopback, any or off');
      return raw;
    },
  ),
  authMaxFailures: define('AUTH_MAX_FAILURES', '5', 'Failed authentications of one identity (or one client address) within AUTH_FAILURE_WINDOW_MS that lock it out (CJIS: at most 5).', positiveInteger),
  authMaxFailuresPerAddress: define(
    'AUTH_MAX_FAILURES_PER_ADDRESS',
    '20',
    'Failed authentications from one client address within AUTH_FAILURE_WINDOW_MS that lock the address out (whatever identities they claimed).',
    positiveInteger,
  ),
  authFailureWindowMs: define('AUTH_FAILURE_WINDOW_MS', '900000', 'Window in which failed authentications count towards a lock-out, in ms.', positiveInteger),
  authLockoutMs: define('AUTH_LOCKOUT_MS', '900000', 'How long a locked-out identity or client address is refused, in ms.', positiveInteger),
  authRefusalRecordsPerWindow: define(
    'AUTH_REFUSAL_RECORDS_PER_WINDOW',
    '5',
    'Refused requests (bad or no token) of one client address audited and logged one by one per AUTH_REFUSAL_WINDOW_MS; beyond it they are counted and written as one summary record per address and window (a lock-out beginning is always recorded).',
    positiveInteger,
  ),
  authRefusalWindowMs: define('AUTH_REFUSAL_WINDOW_MS', '60000', 'Window of AUTH_REFUSAL_RECORDS_PER_WINDOW, in ms.', positiveInteger),
  purposePattern: define(
    'PURPOSE_PATTERN',
    '^(?=.*[0-9])[A-Z][A-Z0-9]{1,15}(-[A-Z0-9]{1,20}){0,4}$',
    'Regular expression a stated purpose (X-Purpose) must match: a case or incident number, e.g. CASE-2026-0042 or MPD2611230001; anything else is refused (PURPOSE_INVALID). Purposes are at most 64 printable characters whatever the pattern.',
    regularExpression,
  ),
  purposeIncidentPattern: define(
    'PURPOSE_INCIDENT_PATTERN',
    '^[A-Z]{2,5}[0-9]{10}$',
    'A purpose matching this regular expression is an incident number (the simulator\'s and Mesa CAD\'s form: agency letters, yymmdd, a 4-digit sequence), and the incident must exist in CAD (PURPOSE_UNKNOWN_INCIDENT otherwise); `off` checks no purpose against CAD.',
    (raw): RegExp | null => (/^off$/i.test(raw) ? null : regularExpression(raw)),
  ),
  purposeIncidentCacheMs: define('PURPOSE_INCIDENT_CACHE_MS', '30000', 'How long the gateway remembers that an incident number exists, in ms (that it does not, at most 5 s of it).', positiveInteger),
  resubscribeDelayMs: define('RESUBSCRIBE_DELAY_MS', '200', 'First wait before the gateway reconnects a dropped subscription to a subgraph; doubles per failure.', positiveInteger),
  resubscribeMaxDelayMs: define('RESUBSCRIBE_MAX_DELAY_MS', '10000', 'Longest wait between the gateway\'s reconnection attempts to a subgraph.', positiveInteger),
  subgraphSigningSecret: define(
    'SUBGRAPH_SIGNING_SECRET',
    undefined,
    'Secret (at least 32 characters) with which the gateway signs every request and WebSocket connection to a subgraph (HMAC-SHA256); subgraphs refuse anything unsigned. Unset: a random secret per process, which serves only when the gateway and the subgraphs run in one process, as `npm start` runs them; when they run as separate processes, set the same secret in each.',
    signingSecret,
  ),
  subgraphSignatureMaxSkewMs: define(
    'SUBGRAPH_SIGNATURE_MAX_SKEW_MS',
    '60000',
    'How far, in ms, the time of a gateway signature may lie from a subgraph\'s clock, either way, before the subgraph refuses the request as expired (keep the clocks in sync with NTP).',
    positiveInteger,
  ),
  subgraphSignatureNoncesMax: define(
    'SUBGRAPH_SIGNATURE_NONCES_MAX',
    '200000',
    'Signatures a subgraph remembers in memory (embedded database) to refuse a replayed one within the skew; when full, signatures older than the oldest remembered are refused too. With DATABASE_URL the replicas share them in the database instead (rows older than two skews are deleted).',
    positiveInteger,
  ),
  limitDocumentBytes: define('LIMIT_DOCUMENT_BYTES', '32768', 'Longest GraphQL document the gateway accepts, in bytes; a longer one is refused unparsed (DOCUMENT_TOO_LARGE, HTTP 413).', positiveInteger),
  limitMaxDepth: define('LIMIT_MAX_DEPTH', '12', 'Deepest nesting of fields in an operation, counted through fragments (QUERY_TOO_DEEP).', positiveInteger),
  limitMaxCost: define(
    'LIMIT_MAX_COST',
    '5000',
    'Highest estimated cost of an operation: each field costs 1 and a list multiplies what it selects by its `first`/`limit` (or LIMIT_DEFAULT_LIST_SIZE), so nested lists multiply (QUERY_TOO_COSTLY).',
    positiveInteger,
  ),
  limitDefaultListSize: define(
    'LIMIT_DEFAULT_LIST_SIZE',
    '10',
    'Items the cost estimate assumes in a list whose size neither the operation nor the schema states.',
    positiveInteger,
  ),
  introspectionEnabled: define(
    'INTROSPECTION_ENABLED',
    undefined,
    'Answer schema introspection (`__schema`, `__type`, as GraphiQL at `/graphiql` asks); off, such queries are refused (INTROSPECTION_DISABLED) and error messages suggest no schema names. Unset: on while the hub is its own development issuer (AUTH_ISSUER unset), off with a real issuer.',
    flag,
  ),
  persistedOperationsFile: define(
    'PERSISTED_OPERATIONS_FILE',
    undefined,
    'JSON allow-list of the only operations the gateway runs: an Apollo persisted query manifest {operations: [{id, body}]} or a map {"<sha256 hex>": "<document>"}; clients send the document or its hash (`extensions.persistedQuery.sha256Hash`). Unset: any operation.',
    text,
  ),
  rateLimitPerMinute: define(
    'RATE_LIMIT_PER_MINUTE',
    '600',
    'Operations a minute each caller (token subject, else client address) may send, over HTTP and WebSocket; more are refused (RATE_LIMITED, HTTP 429, with retryAfterSeconds). 0 turns rate limiting off.',
    count,
  ),
  rateLimitBurst: define('RATE_LIMIT_BURST', '100', 'Operations a caller may send at once after a quiet spell, above the steady RATE_LIMIT_PER_MINUTE.', positiveInteger),
  limitFieldCosts: define(
    'LIMIT_FIELD_COSTS',
    'Query.verifyAuditChain=2500',
    'What expensive fields cost in LIMIT_MAX_COST\'s estimate, in place of 1, as `Type.field=cost` pairs separated by commas (a walk of the whole audit chain is not one field\'s work).',
    parseFieldCosts,
  ),
  limitPricedFieldRepeats: define(
    'LIMIT_PRICED_FIELD_REPEATS',
    '1',
    'Times one field priced in LIMIT_FIELD_COSTS may be selected in one operation, aliases and fragment spreads included (QUERY_TOO_COSTLY with `extensions.field`).',
    positiveInteger,
  ),
  limitVariablesDepth: define(
    'LIMIT_VARIABLES_DEPTH',
    '32',
    'Deepest nesting of lists and objects in an operation\'s variables; each variable is also held to the depth its declared type allows, and a variable the operation does not declare is refused (VARIABLES_REFUSED, before anything runs).',
    positiveInteger,
  ),
  limitVariablesValues: define('LIMIT_VARIABLES_VALUES', '10000', 'Most values (scalars, lists, objects) in an operation\'s variables together (VARIABLES_REFUSED).', positiveInteger),
  gatewayRefusalRecordsPerWindow: define(
    'GATEWAY_REFUSAL_RECORDS_PER_WINDOW',
    '30',
    'Requests the gateway refused before they became an operation (413, 415, CSRF, batching, malformed JSON), refused subscribes and rate-limited operations, audited one by one per client address (or caller) per GATEWAY_REFUSAL_WINDOW_MS; beyond it, and once the sender is rate-limited, they are counted into one summary record per window. Refused requests also spend their address\'s RATE_LIMIT_PER_MINUTE; an address that has spent it is answered 429 at once unless the request carries a bearer token.',
    positiveInteger,
  ),
  gatewayRefusalWindowMs: define('GATEWAY_REFUSAL_WINDOW_MS', '60000', 'Window of GATEWAY_REFUSAL_RECORDS_PER_WINDOW, in ms.', positiveInteger),
  adapters: define(
    'ADAPTERS',
    'avl,eido-http,live911,onvif,camera-csv',
    'Adapters the hub runs, by their names in the adapter registry, comma-separated (`none`: no adapter). Each still listens or connects as its own settings say, and stays off when they leave it nothing to do: `avl` (AVL_UDP_PORT, AVL_TCP_PORT), `eido-http` (EIDO_HTTP_PORT), `live911` (CALL_FEED_URL or the simulated city\'s feed), `onvif` (ONVIF_DEVICES_FILE or the simulated city\'s devices), `camera-csv` (the simulated city\'s camera file). A name no adapter is registered under stops the hub at start, naming the known ones.',
    adapterNames,
  ),
  avlUdpPort: define('AVL_UDP_PORT', '5500', 'UDP port for NMEA 0183 / TAIP datagrams from vehicle modems (`off` to disable).', portOrOff),
  avlTcpPort: define('AVL_TCP_PORT', 'off', 'TCP port for modems that stream NMEA / TAIP lines (`off` to disable).', portOrOff),
  avlAllowedSources: define(
    'AVL_ALLOWED_SOURCES',
    '127.0.0.0/8,::1',
    'Comma-separated CIDR ranges or addresses whose AVL datagrams and TCP connections are heard (modems cannot sign what they send: their addresses, e.g. the carrier\'s private APN range, are the credential). Others are refused, counted, and audited as `ingest-refused`, one record per address a minute with a count. The default, loopback, serves `npm start`\'s simulated city; `0.0.0.0/0,::/0` hears anyone.',
    parseSourceAllowList,
  ),
  avlMaxFutureSkewMs: define(
    'AVL_MAX_FUTURE_SKEW_MS',
    '300000',
    'How far, in ms, an AVL fix time may lie after the hub\'s clock; a later one (a spoofed or broken device clock: one `$GPRMC` dated 2079 would pin a unit there for good) is a dead letter `fix-in-future`. GPS receivers keep true time, so only the hub\'s own clock error needs room. Fixes older than RETENTION_AVL_POSITIONS_DAYS are dead letters `fix-too-old`.',
    (raw) => integerIn(raw, 0, 3_600_000),
  ),
  avlMaxLinesPerDatagram: define(
    'AVL_MAX_LINES_PER_DATAGRAM',
    '64',
    'Lines (NMEA sentences, TAIP messages) translated from one UDP datagram or one TCP read; a modem\'s epoch is a few. The rest is kept whole as one dead letter `too-many-lines`, so that a 64 KB datagram of junk costs 65 records, not 16,000.',
    (raw) => integerIn(raw, 1, 100_000),
  ),
  avlTcpIdleTimeoutMs: define('AVL_TCP_IDLE_TIMEOUT_MS', '300000', 'An AVL TCP connection silent this long, in ms, is closed (modems report every few seconds to a minute; a half-open connection holds a file descriptor).', positiveInteger),
  avlTcpMaxConnections: define('AVL_TCP_MAX_CONNECTIONS', '512', 'Open AVL TCP connections at most; more are closed at once and counted, so that a flood cannot take the file descriptors GraphQL and EIDO need.', positiveInteger),
  avlTcpMaxConnectionsPerAddress: define('AVL_TCP_MAX_CONNECTIONS_PER_ADDRESS', '64', 'Open AVL TCP connections from one address at most (modems behind one carrier gateway share an address); more are closed at once.', positiveInteger),
  eidoHttpPort: define('EIDO_HTTP_PORT', '5600', 'HTTP port where CADs POST EIDO documents to `/eido` (`off` to disable).', portOrOff),
  eidoPollUrl: define('EIDO_POLL_URL', undefined, 'URL of a CAD that cannot push: GET answers one EIDO document or an array.', url),
  eidoPollIntervalMs: define('EIDO_POLL_INTERVAL_MS', '5000', 'How often to poll EIDO_POLL_URL.', positiveInteger),
  eidoCodeTable: define('EIDO_CODE_TABLE', undefined, 'CSV (code,text,category,priority) mapping CAD incident type codes. Unset: the built-in APCO common incident type codes.', text),
  eidoSourceSecrets: define(
    'EIDO_SOURCE_SECRETS',
    undefined,
    'Per-source shared secrets of CADs that POST EIDO without a bearer token, `name:secret,name2:secret2` (secrets at least 16 characters); a CAD sends `Authorization: Basic base64(name:secret)` and its dead letters name it. Either way in, a POST needs credentials: a bearer token of role `adapter` or one of these; others get 401 and an `ingest-refused` audit record (one per address per minute, with a count). `npm start`\'s simulated CAD gets a secret of its own per process.',
    (raw) => {
      parseSourceSecrets(raw);
      return raw;
    },
  ),
  eidoBodyLimitBytes: define('EIDO_BODY_LIMIT_BYTES', '1048576', 'Largest EIDO POST body or poll answer read, in bytes; a larger one is refused (413, INGEST_PAYLOAD_TOO_LARGE) and recorded as a dead letter `body-too-large`.', positiveInteger),
  eidoMaxDocumentsPerRequest: define(
    'EIDO_MAX_DOCUMENTS_PER_REQUEST',
    '100',
    'EIDO documents read from one POST or poll answer; the documents beyond are not parsed and are kept together as one dead letter `too-many-documents`.',
    positiveInteger,
  ),
  eidoMaxJsonDepth: define(
    'EIDO_MAX_JSON_DEPTH',
    '64',
    'Deepest nesting of objects and arrays read in one EIDO document; a deeper document is not parsed and is a dead letter `too-deep` (the documents beside it are read).',
    positiveInteger,
  ),
  eidoPollAuthorization: define('EIDO_POLL_AUTHORIZATION', undefined, 'Sent as the `authorization` header of every poll of EIDO_POLL_URL, e.g. `Bearer …` or `Basic …` towards the CAD.', text),
  deadLettersPerSourcePerMinute: define(
    'DEAD_LETTERS_PER_SOURCE_PER_MINUTE',
    '600',
    'Dead letters kept one by one per adapter per minute; beyond, rejections are still counted per reason (`adapters { rejectedByReason deadLettersSuppressed }`) and one summary dead letter `dead-letters-suppressed` per adapter and minute holds their counts and a few samples. Rejection log lines are capped at 20 per adapter per minute the same way. 0: no cap.',
    count,
  ),
  callFeedUrl: define('CALL_FEED_URL', undefined, 'WebSocket URL of a Live911-style 911 call feed (with the simulator in protocol mode, its own feed).', url),
  callFeedApiKey: define('CALL_FEED_API_KEY', undefined, 'Sent as the `authorization: Bearer …` header to the call feed.', text),
  callFeedMaxFutureMs: define('CALL_FEED_MAX_FUTURE_MS', '300000', 'How far, in ms, a call feed message\'s time may lie ahead of the hub\'s clock; a later one is a dead letter (`bad-timestamp`), so that one message dated 2079 cannot freeze its call.', positiveInteger),
  callFeedMaxAgeMs: define('CALL_FEED_MAX_AGE_MS', '86400000', 'How far, in ms, a call feed message\'s time may lie behind the hub\'s clock (a feed\'s backlog after an outage); an older one is a dead letter (`bad-timestamp`).', positiveInteger),
  callFeedMaxMessagesPerFrame: define('CALL_FEED_MAX_MESSAGES_PER_FRAME', '100', 'Messages read from one call feed frame that is a batch (a JSON array); the rest of the batch is one dead letter (`too-many-messages`), replayable.', positiveInteger),
  callFeedMaxFrameBytes: define('CALL_FEED_MAX_FRAME_BYTES', '16777216', 'Largest call feed frame read, in bytes; a message over 512 Ki characters is a dead letter (`too-large`, its first 16 Ki characters kept), and a frame over this limit closes the connection (1009), is a dead letter (`frame-too-large`) and the feed is reconnected.', positiveInteger),
  onvifDevicesFile: define(
    'ONVIF_DEVICES_FILE',
    undefined,
    'JSON file listing ONVIF cameras to poll: [{cameraId, name, deviceServiceUrl, username, password, location: {lat, lon}, headingDegrees, mountHeightMeters, …}].',
    text,
  ),
  onvifPollIntervalMs: define('ONVIF_POLL_INTERVAL_MS', '30000', 'How often each ONVIF camera is polled for its profiles, streams and health.', positiveInteger),
  onvifMaxResponseBytes: define('ONVIF_MAX_RESPONSE_BYTES', '524288', 'Longest answer read from an ONVIF device, in bytes; a longer one is a dead letter (`too-large`, its first 16 KiB kept). Real answers are a few KiB; 4 MiB of XML would hold the event loop for over a second.', positiveInteger),
  simulator: define('SIM_ENABLED', 'true', 'Run the simulated city (calls, incidents, units, cameras) through the adapter contract.', flag),
  simMode: define(
    'SIM_MODE',
    'protocols',
    'How the simulated city reaches the hub: `protocols` (NMEA over UDP, EIDO over HTTP, a call feed over WebSocket, a camera CSV file, ONVIF devices over SOAP: every adapter\'s real code path) or `direct` (contract events straight to the hub).',
    (raw) => {
      if (raw !== 'protocols' && raw !== 'direct') throw new Error('must be protocols or direct');
      return raw;
    },
  ),
  simSeed: define('SIM_SEED', '1', 'Seed of the simulated city; the same seed gives the same city and events.', positiveInteger),
  simUnits: define('SIM_UNITS', '40', 'Patrol units in the simulated city.', positiveInteger),
  simCameras: define('SIM_CAMERAS', '300', 'Cameras in the simulated city.', positiveInteger),
  simOnvifCameras: define(
    'SIM_ONVIF_CAMERAS',
    '6',
    'With `SIM_MODE=protocols`, how many PTZ city cameras are simulated ONVIF devices (each its own HTTP server on 127.0.0.1, polled every ONVIF_POLL_INTERVAL_MS and aimed by `pointCamera`) instead of rows of the camera CSV file. 0: none.',
    count,
  ),
  simCallsPerMinute: define('SIM_CALLS_PER_MINUTE', '4', 'Mean rate of simulated 911 calls.', positiveNumber),
  simHistoryMinutes: define('SIM_HISTORY_MINUTES', '60', 'How much of its past the simulated city brings when it starts, in minutes: that hour\'s calls, incidents in every state and unit positions (a trail of one fix a minute) are played through the same adapters, each at its own time, before the hub reports ready, and the first new call rings within 20 s. On kept data (a restart) the city goes on from the hub\'s latest call, incident or fix when that is more recent, so only the time in between is played. A busy city goes back no further than 500 calls (at SIM_CALLS_PER_MINUTE) and keeps at most 5,000 fixes in its trails. 0: the city starts empty, as of now.', count),
  simTickMs: define('SIM_TICK_MS', '1000', 'How often the simulator advances and emits, in milliseconds.', positiveInteger),
  simPositionIntervalMs: define('SIM_POSITION_INTERVAL_MS', '2000', 'How often each simulated unit reports a position fix, in milliseconds; the simulation steps once a simulated second, so below 1000 a unit still reports once a second (`npm run bench:console` sends its own 10 Hz fleet for that).', positiveInteger),
  retentionPurgeIntervalMs: define(
    'RETENTION_PURGE_INTERVAL_MS',
    '3600000',
    'How often the retention job deletes expired records, in milliseconds (also once at start); each run writes, per data class, a `purge` audit record announcing the purge before anything is deleted (none written, nothing deleted) and one with what it deleted.',
    positiveInteger,
  ),
  retentionAvlPositionsDays: define(
    'RETENTION_AVL_POSITIONS_DAYS',
    '90',
    'Days a unit\'s AVL position is kept after its fix time (the hub stores each unit\'s latest fix, no breadcrumb history).',
    positiveInteger,
  ),
  retentionCallsDays: define('RETENTION_CALLS_DAYS', '365', 'Days a 911 call is kept after its last update.', positiveInteger),
  retentionIncidentsDays: define('RETENTION_INCIDENTS_DAYS', '365', 'Days a CAD incident, with its links to calls, is kept after its last update.', positiveInteger),
  retentionDeadLettersDays: define('RETENTION_DEAD_LETTERS_DAYS', '30', 'Days rejected vendor input (a dead letter, raw payload included) is kept after it was received.', positiveInteger),
  retentionCommunityFootageDays: define(
    'RETENTION_COMMUNITY_FOOTAGE_DAYS',
    '1825',
    'Days a footage request to a community camera owner, with its uploaded clips (case evidence), is kept after it was made; a clip\'s bytes go with the last request that names them.',
    positiveInteger,
  ),
  retentionAuditDays: define(
    'RETENTION_AUDIT_DAYS',
    '365',
    'Days audit records are kept; at least 365 (FBI CJIS Security Policy 5.4.7), which the database enforces.',
    (raw) => integerIn(raw, 365, Number.MAX_SAFE_INTEGER),
  ),
  intelligenceReviewDays: define(
    'INTELLIGENCE_REVIEW_DAYS',
    '1825',
    'Days a record held as criminal intelligence is kept after it was held or last re-validated, then purged; at most 1825, five years (28 CFR 23.20(h)).',
    (raw) => integerIn(raw, 1, 1825),
  ),
  consoleDockedCameras: define('CONSOLE_DOCKED_CAMERAS', '4', 'Camera tiles the operator console docks beside a selected call or incident (`nearbyCameras(limit:)`), 1 to 12.', (raw) => integerIn(raw, 1, 12)),
  consoleCameraRadiusMeters: define('CONSOLE_CAMERA_RADIUS_METERS', '300', 'Radius in metres within which the operator console looks for cameras to dock (`nearbyCameras(radiusMeters:)`).', positiveNumber),
  consoleBasemapStyleUrl: define(
    'CONSOLE_BASEMAP_STYLE_URL',
    'hub',
    'MapLibre style the operator console draws its basemap from, e.g. the agency\'s own tile server\'s style.json. `hub`: the simulated city\'s street grid, served by the hub itself (nothing from the internet).',
    (raw) => (raw === 'hub' ? raw : url(raw)),
  ),
  consoleOidcClientId: define('CONSOLE_OIDC_CLIENT_ID', 'rtcc-console', 'OAuth client id the operator console signs in with (authorization code with PKCE) when AUTH_ISSUER names a real issuer.', text),
  metricsToken: define('METRICS_TOKEN', undefined, 'Bearer token a scraper must send to read `/metrics` (`Authorization: Bearer …`), from any address. Unset: `/metrics` answers loopback addresses only, unless METRICS_PUBLIC.', text),
  metricsPublic: define('METRICS_PUBLIC', 'false', 'Without METRICS_TOKEN, serve `/metrics` to every address, not only loopback (for a scraper on another machine behind the hub\'s own network rules).', flag),
  httpRequestTimeoutMs: define('HTTP_REQUEST_TIMEOUT_MS', '30000', 'How long the gateway and each subgraph wait for a request to arrive in full (headers and body) before they answer 408 and close the connection, so that a request that stops halfway holds no connection; idle keep-alive connections, slow handlers and WebSockets are not cut.', positiveInteger),
  readyCheckTimeoutMs: define('READY_CHECK_TIMEOUT_MS', '2000', 'How long `/ready` waits for each of its checks (each database, the bus, each subgraph\'s `/health`) before it counts that one as not ready.', positiveInteger),
  otelExporterOtlpEndpoint: define('OTEL_EXPORTER_OTLP_ENDPOINT', undefined, 'OpenTelemetry collector base URL: traces are exported over OTLP/HTTP to `<url>/v1/traces`. Unset: tracing is off (no SDK started).', url),
  otelServiceName: define('OTEL_SERVICE_NAME', 'rtcc-hub', 'The `service.name` of the hub\'s trace spans.', text),
  // Community Connect (#13)
  hubPublicUrl: define(
    'HUB_PUBLIC_URL',
    undefined,
    'The hub\'s address as browsers and owners\' alarm systems reach it (e.g. `https://rtcc.example.gov`): signed links and webhook URLs are absolute under it. Unset: they are paths on the hub\'s own origin (`/community/…`).',
    (raw) => url(raw).replace(/\/+$/, ''),
  ),
  agencyTimeZone: define('AGENCY_TIME_ZONE', 'America/Chicago', 'IANA time zone of the agency: owners\' weekly sharing schedules are read in it.', timeZone),
  communityLinkSecret: define(
    'COMMUNITY_LINK_SECRET',
    undefined,
    'Secret (at least 32 characters) the hub signs its short-lived links with (live video, clip upload and download; HMAC-SHA256). Unset: a random secret per process (links die with the process; set one shared secret when several replicas serve links).',
    signingSecret,
  ),
  communityLinkTtlSeconds: define('COMMUNITY_LINK_TTL_SECONDS', '60', 'How long a signed live-video link works (a fresh one comes with every query); sharing that ends cuts it sooner.', (raw) => integerIn(raw, 5, 3600)),
  communityAlarmMinutes: define('COMMUNITY_ALARM_MINUTES', '30', 'Minutes an owner\'s alarm opens live sharing for, when their terms do not say (ALARM mode).', (raw) => integerIn(raw, 1, 1440)),
  communityAccessSweepMs: define('COMMUNITY_ACCESS_SWEEP_MS', '1000', 'How often the community subgraph looks for live access that opened or closed by the clock (a schedule window, an alarm\'s end) and for footage requests that expired.', (raw) => integerIn(raw, 100, 60_000)),
  communityRefusalWindowMs: define(
    'COMMUNITY_REFUSAL_WINDOW_MS',
    '60000',
    'Window in which refused requests from one client address at Community Connect\'s public routes (bad or expired media links, badly signed alarm webhook calls, refused clip uploads and downloads) share one audit record: the first is recorded at once, the rest as one record with their count when the window ends.',
    (raw) => integerIn(raw, 100, 3_600_000),
  ),
  communityRelayPrivateAddresses: define(
    'COMMUNITY_RELAY_PRIVATE_ADDRESSES',
    'auto',
    'Let signed links relay video from owners\' cameras at private, loopback or link-local addresses. `auto`: only while the simulated city runs (its cameras are on this machine); off otherwise, so that an owner\'s URL cannot make the hub a proxy into the city\'s network.',
    (raw) => (raw === 'auto' ? null : flag(raw)),
  ),
  communityFootageMaxWindowMinutes: define('COMMUNITY_FOOTAGE_MAX_WINDOW_MINUTES', '120', 'Longest time window one footage request may ask for, in minutes.', (raw) => integerIn(raw, 1, 24 * 60)),
  communityFootageRequestTtlHours: define('COMMUNITY_FOOTAGE_REQUEST_TTL_HOURS', '72', 'Hours a footage request stays open for its owner to answer and upload; then it expires.', (raw) => integerIn(raw, 1, 24 * 90)),
  communityFootageMaxBytes: define('COMMUNITY_FOOTAGE_MAX_BYTES', '52428800', 'Largest clip an owner may upload, in bytes (default 50 MiB).', (raw) => integerIn(raw, 1024, 2 ** 31 - 1)),
  communityNotifier: define(
    'COMMUNITY_NOTIFIER',
    'outbox',
    'How owners are told of footage requests: `outbox` (development: messages kept and shown at `/community/outbox`, to loopback callers), `log` (written to the log, ids only), `off`. Email and SMS adapters take a transport the agency supplies (README).',
    (raw) => {
      if (raw !== 'outbox' && raw !== 'log' && raw !== 'off') throw new Error('must be outbox, log or off');
      return raw;
    },
  ),
  communityFootageLinkTtlSeconds: define('COMMUNITY_FOOTAGE_LINK_TTL_SECONDS', '600', 'How long a footage clip\'s signed upload link (an owner\'s) or download link (an operator\'s) works, in seconds; an upload that started in time may finish later.', (raw) => integerIn(raw, 10, 86_400)),
  communityFootageMaxAgeDays: define('COMMUNITY_FOOTAGE_MAX_AGE_DAYS', '30', 'How far back a footage request\'s window may start, in days (owners\' recorders overwrite older footage).', (raw) => integerIn(raw, 1, 3650)),
  // Community Connect (#13): the simulated city's program
  simCommunity: define('SIM_COMMUNITY', 'true', 'Whether the simulated city runs its Community Connect program: at start its community cameras\' owners sign up and register them through the API (staff approve them; mixed terms: always, a weekly schedule, an alarm, registered only), one owner\'s alarm system calls its webhook now and then, and owners answer footage requests (most approved with a clip, some denied, some left to expire). `false`: the city has no community cameras.', flag),
  simSnapshotPort: define('SIM_SNAPSHOT_PORT', '4090', 'Port (on 127.0.0.1) of the simulated city\'s camera stills and streams. Kept the same across restarts because community owners register these addresses once and a hub keeps them; when the port is taken the city falls back to a free one (and logs a warning). 0 picks a free one.', port),
  logLevel: define('LOG_LEVEL', 'info', 'pino log level: fatal, error, warn, info, debug, trace or silent.', logLevel),
} as const;

type Settings = typeof HUB_SETTINGS;
type Optional = 'databaseUrl' | 'pgliteDataDir' | 'schemaPrefix' | 'natsUrl' | 'eidoPollUrl' | 'eidoCodeTable' | 'eidoSourceSecrets' | 'eidoPollAuthorization' | 'callFeedUrl' | 'callFeedApiKey' | 'onvifDevicesFile' | 'persistedOperationsFile' | 'subgraphSigningSecret' | 'metricsToken' | 'otelExporterOtlpEndpoint' | 'hubPublicUrl' | 'communityLinkSecret';

/** The hub's configuration, parsed and validated. */
export type HubConfig = {
  readonly [K in Exclude<keyof Settings, Optional>]: ReturnType<Settings[K]['parse']>;
} & { readonly [K in Optional]: string | undefined };

/** Reads every setting from `env`, applying defaults; throws one error listing every bad value. */
export function readHubConfig(env: Readonly<Record<string, string | undefined>> = process.env): HubConfig {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(HUB_SETTINGS)) {
    const raw = env[setting.name]?.trim() || setting.defaultValue;
    if (raw === undefined) {
      config[key] = undefined;
      continue;
    }
    try {
      config[key] = setting.parse(raw);
    } catch (error) {
      // Secrets stay out of the message, which ends up in logs.
      const shown = /_(SECRETS?|API_KEY|AUTHORIZATION)$/.test(setting.name) ? '(hidden)' : JSON.stringify(raw);
      problems.push(`${setting.name}=${shown} ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  // A development hub (its own issuer) shows its schema to the explorer; a production one does not.
  config.introspectionEnabled ??= config.authIssuer === undefined;
  // The simulated city's cameras are on this machine; a real city's owners' cameras are not.
  config.communityRelayPrivateAddresses ??= config.simulator;
  return config as HubConfig;
}

import type { Logger } from 'pino';
import { NatsBusError } from './natsBusError';

/** Options of `createNatsBus`. */
export interface NatsBusOptions {
  /** NATS server URL, e.g. `nats://nats:4222`; several comma-separated for a cluster. */
  readonly url: string;
  /** JetStream stream holding the events. Default `RTCC_EVENTS`. */
  readonly stream?: string;
  /** Events go to `${subjectPrefix}.${event.type}`. Default `rtcc.events`. */
  readonly subjectPrefix?: string;
  /** How long JetStream remembers a message id to drop a duplicate publish. Default 2 minutes. */
  readonly duplicateWindowMs?: number;
  /** How long the stream keeps an event. Default 24 hours. */
  readonly maxAgeMs?: number;
  /** Connection name shown by the NATS server (`nats server report connections`). */
  readonly name?: string;
  readonly logger?: Logger;
}

/** {@link NatsBusOptions} with defaults applied and checked; the URL split into servers. */
export interface ResolvedNatsBusOptions {
  readonly servers: readonly string[];
  readonly stream: string;
  readonly subjectPrefix: string;
  readonly duplicateWindowMs: number;
  readonly maxAgeMs: number;
  readonly name: string;
}

// Stream names may not hold `.`, `*`, `>`, path separators or whitespace (JetStream ADR-6).
const STREAM_NAME = /^[A-Za-z0-9_-]+$/;
const SUBJECT_PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Applies defaults and checks the options; throws a `BAD_OPTIONS` {@link NatsBusError}. */
export function resolveNatsBusOptions(options: NatsBusOptions): ResolvedNatsBusOptions {
  const {
    url,
    stream = 'RTCC_EVENTS',
    subjectPrefix = 'rtcc.events',
    duplicateWindowMs = 2 * 60_000,
    maxAgeMs = 24 * 3_600_000,
    name = 'rtcc-hub',
  } = options;
  const bad = (problem: string) => new NatsBusError('BAD_OPTIONS', `createNatsBus: ${problem}`);
  const servers = url
    .split(',')
    .map((server) => server.trim())
    .filter((server) => server.length > 0);
  if (servers.length === 0) throw bad('url is empty');
  if (!STREAM_NAME.test(stream)) throw bad(`stream ${JSON.stringify(stream)} is not a valid JetStream stream name`);
  if (!SUBJECT_PREFIX.test(subjectPrefix)) {
    throw bad(`subjectPrefix ${JSON.stringify(subjectPrefix)} must be dot-separated tokens without wildcards`);
  }
  for (const [key, value] of [['duplicateWindowMs', duplicateWindowMs], ['maxAgeMs', maxAgeMs]] as const) {
    if (!Number.isSafeInteger(value) || value <= 0) throw bad(`${key} must be a positive integer, got ${value}`);
  }
  // JetStream refuses a duplicate window longer than the retention.
  if (duplicateWindowMs > maxAgeMs) throw bad('duplicateWindowMs must not exceed maxAgeMs');
  return { servers, stream, subjectPrefix, duplicateWindowMs, maxAgeMs, name };
}

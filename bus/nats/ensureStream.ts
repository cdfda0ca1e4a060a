import { type JetStreamManager, NatsError, RetentionPolicy, StorageType, type StreamConfig, nanos } from 'nats';
import { NatsBusError, describeError } from './natsBusError';
import type { ResolvedNatsBusOptions } from './natsBusOptions';

// JetStream API error "stream name already in use with a different configuration".
const STREAM_NAME_IN_USE = 10058;

const isJetStreamApiError = (error: unknown, errCode: number): boolean =>
  error instanceof NatsError && error.api_error?.err_code === errCode;

/** The stream this bus needs: every subject under the prefix, on disk, kept for `maxAgeMs`. */
export function natsStreamConfig(options: ResolvedNatsBusOptions): Partial<StreamConfig> & { name: string } {
  return {
    name: options.stream,
    subjects: [`${options.subjectPrefix}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: nanos(options.maxAgeMs),
    duplicate_window: nanos(options.duplicateWindowMs),
  };
}

/**
 * Creates the stream or brings an existing one to our limits. Safe when replicas race: adding
 * an identical stream succeeds, and a differing one is updated instead (last writer wins).
 * Throws a `STREAM_SETUP_FAILED` {@link NatsBusError}.
 */
export async function ensureStream(jsm: JetStreamManager, options: ResolvedNatsBusOptions): Promise<void> {
  const config = natsStreamConfig(options);
  const fail = (action: string, error: unknown) => {
    const message = `Could not ${action} JetStream stream ${config.name}: ${describeError(error)}`;
    return new NatsBusError('STREAM_SETUP_FAILED', message, { cause: error });
  };
  try {
    await jsm.streams.add(config);
    return;
  } catch (error) {
    if (!isJetStreamApiError(error, STREAM_NAME_IN_USE)) throw fail('create', error);
  }
  try {
    const { config: existing } = await jsm.streams.info(config.name);
    if (existing.retention === RetentionPolicy.Workqueue) {
      // A work queue hands each event to one consumer: replicas would each see only some.
      throw new Error('it exists with work-queue retention; every replica must see every event');
    }
    // Storage and retention cannot change on update; keep subjects someone else added.
    const subjects = [...new Set([...existing.subjects, ...(config.subjects ?? [])])];
    await jsm.streams.update(config.name, { subjects, max_age: config.max_age, duplicate_window: config.duplicate_window });
  } catch (error) {
    throw fail('update', error);
  }
}

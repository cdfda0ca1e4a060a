import { RetentionPolicy, StorageType, nanos } from 'nats';
import { natsStreamConfig } from '../../../bus/nats/ensureStream';
import { resolveNatsBusOptions } from '../../../bus/nats/natsBusOptions';

describe('natsStreamConfig', () => {
  it('asks for every subject under the prefix, on disk, with limits retention and both windows', () => {
    const options = resolveNatsBusOptions({ url: 'nats://a', stream: 'S', subjectPrefix: 'a.b', maxAgeMs: 60_000, duplicateWindowMs: 5_000 });
    expect(natsStreamConfig(options)).toEqual({
      name: 'S',
      subjects: ['a.b.>'],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: nanos(60_000),
      duplicate_window: nanos(5_000),
    });
  });
});

import type { PGlite } from '@electric-sql/pglite';
import pino from 'pino';
import { Writable } from 'node:stream';
import { createInProcessBus } from '../../bus/createInProcessBus';
import { type IngestSink, createEventSink } from '../../ingest/createEventSink';
import { type Database, createDatabase, createEmbeddedPostgres } from '../../storage/createDatabase';
import { createDeadLetterStore, ingestMigrations } from '../../ingest';
import { STORAGE_TARGETS, dropSchemas, uniqueSchemaPrefix } from '../support/storageTargets';

/**
 * The sink's log under a flood: one source's rejections are logged at most 20 lines a minute,
 * the rest counted and reported in one line when the minute ends; other sources keep their own
 * budget. (A flood of 16,000 rejections was 16,000 log lines.)
 */
describe.each(STORAGE_TARGETS)('rejection log lines are rate-limited per source ($name)', (target) => {
  let embedded: PGlite | undefined;
  let db: Database;
  let sink: IngestSink;
  const prefix = uniqueSchemaPrefix();
  const lines: { msg: string; source?: string; suppressedLines?: number }[] = [];
  let clock = new Date('2026-11-23T22:00:00Z');

  beforeAll(async () => {
    embedded = target.databaseUrl ? undefined : await createEmbeddedPostgres();
    db = await createDatabase({ url: target.databaseUrl, embedded, schema: `${prefix}ingest`, migrations: ingestMigrations });
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
        done();
      },
    });
    sink = createEventSink({ bus: createInProcessBus(), deadLetters: createDeadLetterStore(db), logger: pino({ level: 'warn' }, stream), now: () => clock });
  });
  afterAll(async () => {
    await sink?.close();
    await db?.close();
    await embedded?.close();
    await dropSchemas(target.databaseUrl, prefix);
  });

  const reject = (source: string, i: number) =>
    sink.reject({ source, reason: 'bad-line', detail: `junk ${i}`, raw: `junk ${i}`, receivedAt: clock.toISOString() });
  const logged = (source: string, msg: string) => lines.filter((line) => line.source === source && line.msg === msg);

  it('logs at most 20 rejections per source a minute and then one line with the count left out', async () => {
    for (let i = 0; i < 50; i += 1) await reject('flood', i);
    for (let i = 0; i < 3; i += 1) await reject('quiet', i);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logged('flood', 'rejected input')).toHaveLength(20);
    expect(logged('quiet', 'rejected input')).toHaveLength(3);
    expect(sink.stats().bySource.flood).toMatchObject({ rejected: 50 });

    clock = new Date(clock.getTime() + 61_000);
    await reject('flood', 50);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logged('flood', 'rejected-input log lines suppressed in the last minute')).toMatchObject([{ suppressedLines: 30 }]);
    expect(logged('flood', 'rejected input')).toHaveLength(21);
  });
});

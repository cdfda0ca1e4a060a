/** Ingest: where adapters' output enters the hub — validation, dead letters of rejected input, and their store. */
export { type EventSinkOptions, type IngestSink, createEventSink } from './createEventSink';
export { type DeadLetterStore, createDeadLetterStore } from './createDeadLetterStore';
export { ingestMigrations } from './ingestMigrations';

/** AVL adapter: NMEA 0183 and TAIP from vehicle modems over UDP and TCP. */
export { type AvlAdapter, type AvlAdapterOptions, type AvlAdapterStatus, createAvlAdapter } from './createAvlAdapter';
export { AVL_TRANSLATION_DEFAULTS, type AvlTranslation, type AvlTranslatorOptions, translateAvlPayload } from './translateAvlPayload';
export { AVL_REJECT_REASONS, type AvlRejectReason } from './avlRejectReasons';
export { type SourceAllowList, createSourceAllowList } from './createSourceAllowList';
export { type IngestRefusal, type RefusalReporter, type RefusalReporterOptions, createRefusalReporter } from './createRefusalReporter';
export { type LogLimiter, type LogLimiterOptions, type WarnLogger, createLogLimiter } from './createLogLimiter';

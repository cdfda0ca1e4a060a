/** AVL adapter: NMEA 0183 and TAIP from vehicle modems over UDP and TCP. */
export { type AvlAdapter, type AvlAdapterOptions, createAvlAdapter } from './createAvlAdapter';
export { type AvlTranslation, translateAvlPayload } from './translateAvlPayload';

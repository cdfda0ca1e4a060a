/**
 * The NATS JetStream bus: what the hub and other processes use of it. The parts (options,
 * codec, ordered delivery, connection, stream, consumers) are importable by their own modules.
 */
export { type NatsEventBus, createNatsBus } from './createNatsBus';
export { NATS_BUS_ERROR_CODES, NatsBusError, type NatsBusErrorCode } from './natsBusError';
export type { NatsBusOptions } from './natsBusOptions';
export type { NatsBusStats } from './natsBusStats';

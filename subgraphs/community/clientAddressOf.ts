import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { RELAYED_CLIENT_ADDRESS_HEADER } from '../../http/createPrefixRelay';

/** Whether an address (as a socket or fastify reports it) is this machine's loopback: `::1`, `127.x.x.x`, or IPv4-mapped `::ffff:127.x.x.x`. */
export function isLoopbackAddress(address: string): boolean {
  return address === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(address);
}

/**
 * The address of the client a public route serves: the one the hub's gateway relay names in
 * RELAYED_CLIENT_ADDRESS_HEADER when the direct peer is loopback (the relay runs in the hub's
 * process), else the peer itself. A header from anyone else, a repeated header or one that is not
 * an IP address is not believed: a caller cannot choose the address its refusals are counted under.
 */
export function clientAddressOf(request: FastifyRequest): string {
  const peer = request.ip;
  if (!isLoopbackAddress(peer)) return peer;
  const relayed = request.headers[RELAYED_CLIENT_ADDRESS_HEADER];
  return typeof relayed === 'string' && isIP(relayed.trim()) !== 0 ? relayed.trim() : peer;
}

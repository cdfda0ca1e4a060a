import { BlockList, isIP } from 'node:net';

/**
 * Addresses an owner's camera URL must not make the hub fetch from (unless
 * COMMUNITY_RELAY_PRIVATE_ADDRESSES): loopback, private (RFC 1918, RFC 4193), shared (RFC 6598),
 * link-local, unspecified, benchmarking, documentation, multicast and reserved ranges, IPv4-mapped
 * forms included.
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  // Documentation ranges (RFC 5737): no camera lives there.
  ['192.0.2.0', 24],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  // NAT64 and 6to4 embed IPv4 addresses that may be private; an owner's camera has no need of them.
  ['64:ff9b::', 96],
  ['2002::', 16],
  ['2001:db8::', 32],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/** Whether `address` (an IP literal, IPv6 with or without brackets) lies in a range the relay refuses; a non-address counts as private. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 4) return PRIVATE.check(bare, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1]) return PRIVATE.check(mapped[1], 'ipv4');
  // BlockList matches IPv4-mapped IPv6 in hex form against IPv4 rules only in some versions: check both.
  return PRIVATE.check(bare, 'ipv6') || /^::ffff:/i.test(bare);
}

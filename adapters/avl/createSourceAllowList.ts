import { BlockList, isIP } from 'node:net';
import { LOOPBACK_SOURCES } from '../../config/parseSourceAllowList';

/** Which sender addresses may feed an ingest listener. */
export interface SourceAllowList {
  /** True when `address` (IPv4, IPv6 or IPv4-mapped IPv6) lies in one of the list's ranges. */
  allows(address: string | undefined): boolean;
  /** The ranges, as given (normalised to CIDR). */
  readonly ranges: readonly string[];
}

/** Creates a {@link SourceAllowList} over ranges from `parseSourceAllowList` (config/). */
export function createSourceAllowList(ranges: readonly string[] = LOOPBACK_SOURCES): SourceAllowList {
  const list = new BlockList();
  for (const range of ranges) {
    const [address = '', prefix = ''] = range.split('/');
    list.addSubnet(address, Number(prefix), isIP(address) === 4 ? 'ipv4' : 'ipv6');
  }
  return {
    ranges,
    allows(address) {
      if (address === undefined) return false;
      // A dual-stack socket reports IPv4 senders as ::ffff:a.b.c.d; judge them as IPv4.
      const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
      const plain = mapped ?? address;
      const family = isIP(plain);
      if (family === 0) return false;
      return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

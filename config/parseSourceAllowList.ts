import { isIP } from 'node:net';

/** Loopback only: what `npm start`'s simulated city sends from. */
export const LOOPBACK_SOURCES: readonly string[] = ['127.0.0.0/8', '::1/128'];

/**
 * Parses a comma-separated list of CIDR ranges (`10.20.0.0/16`, `2001:db8::/32`) or single
 * addresses (`192.0.2.7`, `::1`) into normalised CIDR strings. Throws on the first bad entry,
 * naming it, so that a typo in the setting stops the hub instead of opening or closing the door.
 */
export function parseSourceAllowList(text: string): readonly string[] {
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) throw new Error('must list at least one address or CIDR range');
  return entries.map((entry) => {
    const [address = '', prefixText, extra] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || extra !== undefined) throw new Error(`"${entry}" is not an IP address or CIDR range`);
    const bits = family === 4 ? 32 : 128;
    if (prefixText === undefined) return `${address}/${bits}`;
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
      throw new Error(`"${entry}" has a prefix length outside 0-${bits}`);
    }
    return `${address}/${Number(prefixText)}`;
  });
}

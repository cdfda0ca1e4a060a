const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** `<prefix>-<16 base32 characters>` from 10 random bytes (80 bits): registration ids, link ids, event ids. */
export function newProgramId(prefix: string, randomBytes: (size: number) => Buffer): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return `${prefix}-${out}`;
}

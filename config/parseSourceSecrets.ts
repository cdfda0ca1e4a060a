/** Shortest per-source secret accepted: guessing 16 random characters is out of reach. */
export const MIN_SOURCE_SECRET_LENGTH = 16;

/**
 * Parses EIDO_SOURCE_SECRETS, `name:secret,name2:secret2`: a source name (letters, digits,
 * `.`, `_`, `-`) then the secret, which runs to the next comma and may hold colons.
 * Throws naming the entry (never the secret) when one is malformed.
 */
export function parseSourceSecrets(raw: string): ReadonlyMap<string, string> {
  const secrets = new Map<string, string>();
  for (const [index, entry] of raw.split(',').entries()) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const colon = trimmed.indexOf(':');
    const name = colon > 0 ? trimmed.slice(0, colon) : '';
    const secret = colon > 0 ? trimmed.slice(colon + 1) : '';
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new Error(`entry ${index + 1} must be name:secret with a name of letters, digits, . _ -`);
    if (secret.length < MIN_SOURCE_SECRET_LENGTH) throw new Error(`the secret of ${name} must be at least ${MIN_SOURCE_SECRET_LENGTH} characters long`);
    if (secrets.has(name)) throw new Error(`${name} is listed twice`);
    secrets.set(name, secret);
  }
  return secrets;
}

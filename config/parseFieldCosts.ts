/**
 * Reads LIMIT_FIELD_COSTS: `Type.field=cost` pairs separated by commas, e.g.
 * `Query.verifyAuditChain=2500,Query.auditRecords=20`. Throws, naming the entry, on anything else.
 */
export function parseFieldCosts(raw: string): Record<string, number> {
  const costs: Record<string, number> = {};
  for (const entry of raw.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)=(\d{1,9})$/.exec(entry);
    if (!match) throw new Error(`"${entry}" is not Type.field=cost (a whole number)`);
    costs[match[1] as string] = Number(match[2]);
  }
  return costs;
}

import fc from 'fast-check';
import { type AuditRecord, verifyAuditChain } from '../../audit';
import type { Hub } from '../../hub/createHub';
import type { AuditSubgraph } from '../../subgraphs/audit';
import type { TestHub } from './startTestHub';

/**
 * What the hostile-input suites share: generators of the input an attacker or a broken vendor
 * system sends, and the checks that every suite makes of the hub afterwards.
 */

/** Fixed seed: a failing run reproduces on every machine. */
export const HOSTILE_SEED = 20261203;

/** C0 controls (NUL included), DEL and C1 controls: never valid in an identifier or a line of text. */
export const CONTROL_CHARACTERS: readonly string[] = [
  ...Array.from({ length: 0x20 }, (_, code) => String.fromCharCode(code)),
  '\u007f',
  ...Array.from({ length: 0x20 }, (_, code) => String.fromCharCode(0x80 + code)),
];

/** Unicode that breaks naive code: lone surrogates, bidi overrides, zero-width joiners, BOM, non-characters. */
export const ODD_UNICODE: readonly string[] = [
  '\ud800',
  '\udfff',
  '\u202e',
  '\u2066',
  '\u200d',
  '\u200b',
  '\ufeff',
  '\uffff',
  '\ufffe',
  '👮‍♀️',
  'e\u0301',
  '\u0000\u0000',
];

/** A string with at least one control character or NUL somewhere in otherwise plain text. */
export const stringWithControl: fc.Arbitrary<string> = fc
  .tuple(fc.string({ maxLength: 12 }), fc.constantFrom(...CONTROL_CHARACTERS), fc.string({ maxLength: 12 }))
  .map(([before, control, after]) => `${before}${control}${after}`);

/** A string of odd Unicode mixed into plain text. */
export const stringWithOddUnicode: fc.Arbitrary<string> = fc
  .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...ODD_UNICODE), fc.string({ maxLength: 8 }))
  .map(([before, odd, after]) => `${before}${odd}${after}`);

/** A huge value: longer than any field the hub accepts (sizes from 64 KiB to 1 MiB). */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('A', '9', 'é', '\u0000'), fc.integer({ min: 16, max: 20 }))
  .map(([unit, exponent]) => unit.repeat(2 ** exponent));

/** Times no vendor system can truthfully report: far past, far future, not a time at all. */
export const hostileTime: fc.Arbitrary<string> = fc.constantFrom(
  '2079-06-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '1970-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '2026-13-45T25:61:61Z',
  'yesterday',
  '',
);

/** Any of the hostile string kinds. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(stringWithControl, stringWithOddUnicode, hugeString, hostileTime);

/**
 * JSON text nested `depth` levels deep (arrays, or objects under key `k`), built as text so that
 * making it cannot overflow the stack the way `JSON.stringify` of such a value would.
 */
export function deeplyNestedJson(depth: number, kind: 'array' | 'object' = 'array', innermost = '0'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${innermost}${']'.repeat(depth)}` : `${'{"k":'.repeat(depth)}${innermost}${'}'.repeat(depth)}`;
}

/** A nesting depth beyond any the hub accepts: from a few hundred levels to 10,000. */
export const hostileDepth: fc.Arbitrary<number> = fc.constantFrom(257, 1000, 5000, 10_000);

/** Truncates text at a generated point, as a dropped connection or a full buffer does. */
export function truncated(text: string): fc.Arbitrary<string> {
  return fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((end) => text.slice(0, end));
}

/** The hub still answers `/health` on its gateway. */
export async function expectHubHealthy(hub: Pick<Hub, 'gatewayUrl'>): Promise<void> {
  const response = await fetch(new URL('/health', hub.gatewayUrl));
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok' });
}

/** The audit trail's hash chain verifies from its start to its head. */
export async function expectAuditChainIntact(hub: Pick<Hub, 'subgraphs'>): Promise<void> {
  const report = await verifyAuditChain(hub.subgraphs.audit.db);
  expect(report).toMatchObject({ ok: true, firstBrokenLink: null });
}

/** One dead letter as the ingest API shows it. */
export interface DeadLetterNode {
  readonly id: string;
  readonly source: string;
  readonly stage: string;
  readonly reason: string;
  readonly detail: string;
  readonly raw: string;
  readonly sender: string | null;
}

/** Every dead letter (of one source, when given), read through the gateway page by page, oldest first. */
export async function listDeadLetters(hub: Pick<TestHub, 'query'>, source: string | null = null): Promise<DeadLetterNode[]> {
  const letters: DeadLetterNode[] = [];
  let after: string | null = null;
  for (;;) {
    const page: {
      data?: { deadLetters: { edges: { node: DeadLetterNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null;
      errors?: unknown[];
    } = await hub.query(
      'query ($source: String, $after: String) { deadLetters(filter: { source: $source }, first: 100, after: $after) { edges { node { id source stage reason detail raw sender } } pageInfo { hasNextPage endCursor } } }',
      { source, after },
    );
    if (page.errors || !page.data) throw new Error(`deadLetters failed: ${JSON.stringify(page.errors)}`);
    letters.push(...page.data.deadLetters.edges.map((edge) => edge.node));
    if (!page.data.deadLetters.pageInfo.hasNextPage) break;
    after = page.data.deadLetters.pageInfo.endCursor;
  }
  return letters.reverse();
}

/**
 * Which of `ids` the hub stores, asked through the gateway as `field(id:)` (e.g. `call`,
 * `incident`), twenty aliases an operation.
 */
export async function storedIds(hub: Pick<TestHub, 'query'>, field: string, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < ids.length; start += 20) {
    const chunk = ids.slice(start, start + 20);
    const query = `query (${chunk.map((_, i) => `$id${i}: ID!`).join(', ')}) { ${chunk.map((_, i) => `r${i}: ${field}(id: $id${i}) { id }`).join(' ')} }`;
    const body = await hub.query<Record<string, { id: string } | null>>(query, Object.fromEntries(chunk.map((id, i) => [`id${i}`, id])));
    if (body.errors) throw new Error(`${field} lookup failed: ${JSON.stringify(body.errors)}`);
    for (const record of Object.values(body.data ?? {})) if (record) found.add(record.id);
  }
  return found;
}

/** Every record of the hub's audit trail, read page by page from its log. */
export async function listAuditRecords(hub: Pick<Hub, 'subgraphs'>): Promise<AuditRecord[]> {
  const { auditLog } = hub.subgraphs.audit.subgraph as AuditSubgraph;
  const records: AuditRecord[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await auditLog.list({}, 100, after);
    records.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) return records;
    after = page.pageInfo.endCursor;
  }
}

import type { Database } from '../storage/createDatabase';
import type { AuditBrokenLink, AuditChainAnchor, AuditChainReport, AuditRecord } from './auditRecord';
import { type AuditRecordRow, type PurgeAnchorRow, anchorFromRow, auditRecordFromRow } from './auditRecordFromRow';
import { GENESIS_HASH, hashAuditRecord } from './canonicalAuditRecord';

export interface VerifyAuditChainOptions {
  /** Records read per query while walking. */
  readonly batchSize?: number;
}

/** A purge that lands while the walk runs moves the chain's start; the walk then starts again, this often at most. */
const ATTEMPTS = 3;

/**
 * Walks the audit chain from its start (the latest purge anchor, or the first record) to the
 * chain head and reports the first link that does not hold: a record whose content no longer
 * matches its hash, a record that does not link to its predecessor's hash, a missing sequence
 * number, records missing at the end or present beyond the head, records before the anchor, or
 * an anchor no `purge` record announces. Reads only.
 */
export async function verifyAuditChain(db: Database, options: VerifyAuditChainOptions = {}): Promise<AuditChainReport> {
  const { batchSize = 1000 } = options;
  let report: AuditChainReport | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const anchor = await latestAnchor(db);
    report = await walkChain(db, anchor, batchSize);
    if (report.ok || sameAnchor(anchor, await latestAnchor(db))) return report;
  }
  return report as AuditChainReport;
}

async function walkChain(db: Database, anchor: AuditChainAnchor | null, batchSize: number): Promise<AuditChainReport> {
  const head = await chainHead(db);
  let checked = 0;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  const result = (firstBrokenLink: AuditBrokenLink | null): AuditChainReport => ({
    ok: firstBrokenLink === null,
    checkedRecords: checked,
    firstSeq,
    lastSeq,
    anchor,
    firstBrokenLink,
  });

  const startAfter = anchor?.throughSeq ?? 0;
  const [leftover] = (await db.table('audit_records').where('seq', '<=', startAfter).orderBy('seq').limit(1)) as AuditRecordRow[];
  if (leftover) {
    const record = auditRecordFromRow(leftover);
    return result(
      broken('unlinked-record', record, null, record.hash, `record ${record.seq} lies before the purge anchor (through ${startAfter}): it should have been purged, or it was inserted`),
    );
  }
  if (anchor) {
    const problem = await unconfirmedAnchor(db, anchor);
    if (problem) return result(problem);
  }

  let expectedSeq = startAfter + 1;
  let expectedPrev = anchor?.throughHash ?? GENESIS_HASH;
  while (expectedSeq <= head.lastSeq) {
    // Hashing a batch is synchronous work: the loop gets a turn between batches, so that a walk
    // over millions of records never keeps the hub from answering (/health, operations).
    await yieldToEventLoop();
    const rows = (await db
      .table('audit_records')
      .where('seq', '>=', expectedSeq)
      .andWhere('seq', '<=', head.lastSeq)
      .orderBy('seq')
      .limit(batchSize)) as AuditRecordRow[];
    if (rows.length === 0) break;
    for (const row of rows) {
      const record = auditRecordFromRow(row);
      if (record.seq !== expectedSeq) {
        return result(
          broken('sequence-gap', record, expectedPrev, record.prevHash, `records ${expectedSeq}‥${record.seq - 1} are missing before record ${record.seq}`),
        );
      }
      const recomputed = hashOrNull(record);
      if (recomputed !== record.hash) {
        return result(broken('hash-mismatch', record, recomputed, record.hash, `record ${record.seq} was changed after it was written`));
      }
      if (record.prevHash !== expectedPrev) {
        return result(
          broken(
            'previous-hash-mismatch',
            record,
            expectedPrev,
            record.prevHash,
            `record ${record.seq} does not link to the record before it: that one was changed or replaced, or this one was inserted`,
          ),
        );
      }
      firstSeq ??= record.seq;
      lastSeq = record.seq;
      checked += 1;
      expectedSeq = record.seq + 1;
      expectedPrev = record.hash;
    }
  }

  if (expectedSeq <= head.lastSeq || expectedPrev !== head.lastHash) {
    return result({
      problem: 'head-mismatch',
      seq: head.lastSeq,
      recordedAt: null,
      expectedHash: head.lastHash,
      foundHash: expectedPrev,
      detail:
        expectedSeq <= head.lastSeq
          ? `records ${expectedSeq}‥${head.lastSeq} are missing from the end of the chain`
          : `the chain ends with a hash other than the chain head's`,
    });
  }
  const beyond = await recordBeyondHead(db);
  if (beyond) {
    return result(
      broken('head-mismatch', beyond, null, beyond.hash, `record ${beyond.seq} lies beyond the chain head (${head.lastSeq}): it was inserted outside the log`),
    );
  }
  return result(null);
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The record's hash, or null when it cannot be computed (a tampered record nested too deep). */
function hashOrNull(record: AuditRecord): string | null {
  try {
    return hashAuditRecord(record);
  } catch {
    return null;
  }
}

/** The anchor must be announced by a `purge` record, written into the chain before the deletion. */
async function unconfirmedAnchor(db: Database, anchor: AuditChainAnchor): Promise<AuditBrokenLink | null> {
  const [row] = (await db.table('audit_records').where('seq', anchor.purgeRecordSeq)) as AuditRecordRow[];
  const record = row ? auditRecordFromRow(row) : null;
  const details = record?.details;
  const announced =
    record !== null &&
    record.kind === 'purge' &&
    record.seq > anchor.throughSeq &&
    details !== null &&
    typeof details === 'object' &&
    !Array.isArray(details) &&
    details.throughSeq === anchor.throughSeq &&
    details.throughHash === anchor.throughHash;
  if (announced) return null;
  return {
    problem: 'anchor-unconfirmed',
    seq: anchor.throughSeq,
    recordedAt: anchor.purgedAt,
    expectedHash: anchor.throughHash,
    foundHash: record && details && typeof details === 'object' && !Array.isArray(details) ? String(details.throughHash ?? '') || null : null,
    detail: `no purge record (expected ${anchor.purgeRecordSeq}) announces the purge through record ${anchor.throughSeq}`,
  };
}

function broken(
  problem: AuditBrokenLink['problem'],
  record: AuditRecord,
  expectedHash: string | null,
  foundHash: string | null,
  detail: string,
): AuditBrokenLink {
  return { problem, seq: record.seq, recordedAt: record.recordedAt, expectedHash, foundHash, detail };
}

async function chainHead(db: Database): Promise<{ lastSeq: number; lastHash: string }> {
  const [row] = (await db.table('chain_head').where('id', 1)) as { last_seq: string | number; last_hash: string }[];
  if (!row) throw new Error(`the audit chain head row is missing from ${db.schema}.chain_head`);
  return { lastSeq: Number(row.last_seq), lastHash: row.last_hash };
}

/** Read in one statement with the head, so that an append committing meanwhile is not mistaken for a forgery. */
async function recordBeyondHead(db: Database): Promise<AuditRecord | null> {
  const [row] = (await db
    .table('audit_records')
    .whereRaw('seq > (SELECT last_seq FROM ??.chain_head WHERE id = 1)', [db.schema])
    .orderBy('seq')
    .limit(1)) as AuditRecordRow[];
  return row ? auditRecordFromRow(row) : null;
}

/** The latest purge anchor: where the chain starts now. */
export async function latestAnchor(db: Database): Promise<AuditChainAnchor | null> {
  const [row] = (await db.table('purge_anchors').orderBy('through_seq', 'desc').limit(1)) as PurgeAnchorRow[];
  return row ? anchorFromRow(row) : null;
}

function sameAnchor(a: AuditChainAnchor | null, b: AuditChainAnchor | null): boolean {
  return (a?.throughSeq ?? 0) === (b?.throughSeq ?? 0);
}

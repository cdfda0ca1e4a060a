import type { AuditOutcome } from '../../../audit/auditRecord';
import { HubError } from '../../../errors/hubErrors';
import type { CommunityAudit } from '../communityPorts';

/** A step of a footage request or clip, as the desk records it. Details carry ids, sizes and times only. */
export interface FootageAuditStep {
  readonly kind: 'evidence' | 'notification';
  /** What happened: `footage-requested`, `footage-answered`, `footage-expired`, `clip-stored`, `clip-downloaded`, `notification-sent`, … */
  readonly action: string;
  readonly outcome: AuditOutcome;
  readonly subject: string | null;
  readonly purpose?: string | null;
  readonly reason?: string | null;
  readonly recordIds?: readonly string[];
  readonly details: Readonly<Record<string, string | number | boolean | null | readonly string[]>>;
}

/** Writes one step's audit record; resolves once it is stored, else throws AUDIT_UNAVAILABLE ("no record, no operation"). */
export async function recordFootageStep(audit: CommunityAudit, step: FootageAuditStep): Promise<void> {
  try {
    await audit.append({
      kind: step.kind,
      subject: step.subject,
      outcome: step.outcome,
      reason: step.reason ?? null,
      purpose: step.purpose ?? null,
      recordIds: step.recordIds ?? [],
      details: { action: step.action, ...step.details },
    });
  } catch {
    // The cause stays in the audit log's own log; the caller learns only that nothing was done.
    throw new HubError('AUDIT_UNAVAILABLE', `The audit record of ${step.action} could not be written, so nothing was done`, { action: step.action });
  }
}

import type { AuditKind } from '../../audit/auditRecord';

/**
 * The audit kinds of the program desk's HTTP steps (the design's `media-link` and `alarm`). Cast
 * in this one place until audit/auditRecord.ts lists them (requested of the lead).
 */
export const PROGRAM_AUDIT_KIND = { mediaLink: 'media-link', alarm: 'alarm' } as unknown as Readonly<Record<'mediaLink' | 'alarm', AuditKind>>;

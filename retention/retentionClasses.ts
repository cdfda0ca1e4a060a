/**
 * The data classes the hub keeps, where each lives and from when its age counts. The retention
 * job deletes a class's rows once they are older than its retention (hub settings
 * RETENTION_*_DAYS); audit records go through the audit log's own purge path.
 */

/** A subgraph schema (before DATABASE_SCHEMA_PREFIX) that holds a class's table. */
export type RetentionOwner = 'calls' | 'cad' | 'avl' | 'ingest' | 'audit';

export const RETENTION_CLASS_NAMES = ['avl-positions', 'calls', 'incidents', 'dead-letters', 'audit-records'] as const;
export type RetentionClassName = (typeof RETENTION_CLASS_NAMES)[number];

/** What may be held as criminal intelligence, and which class holds it. */
export const INTELLIGENCE_RECORD_TYPES = { call: 'calls', incident: 'incidents' } as const satisfies Record<string, RetentionClassName>;
export type IntelligenceRecordType = keyof typeof INTELLIGENCE_RECORD_TYPES;

/** Rows in another table that refer to a class's record and are deleted with it. */
export interface RetentionDependent {
  readonly owner: RetentionOwner;
  readonly table: string;
  readonly column: string;
}

export interface RetentionClass {
  readonly name: RetentionClassName;
  readonly description: string;
  readonly owner: RetentionOwner;
  readonly table: string;
  readonly idColumn: string;
  /** A row's age counts from this time column. */
  readonly timeColumn: string;
  /** The record type under which a row may be held as criminal intelligence (then exempt until its review date). */
  readonly intelligenceRecordType?: IntelligenceRecordType;
  readonly dependents?: readonly RetentionDependent[];
}

/** Every class, in the order the job purges them (audit records last, so that a run's own purge records are young). */
export const RETENTION_CLASSES: Readonly<Record<RetentionClassName, RetentionClass>> = {
  'avl-positions': {
    name: 'avl-positions',
    description: "Units' AVL positions (the latest fix of each unit; the hub keeps no breadcrumb history).",
    owner: 'avl',
    table: 'unit_positions',
    idColumn: 'unit_id',
    timeColumn: 'fix_at',
  },
  calls: {
    name: 'calls',
    description: '911 calls: caller location, class of service, callback number, caller name and address, and the reference to the call audio (the audio itself stays in the PSAP\'s recorder).',
    owner: 'calls',
    table: 'calls',
    idColumn: 'id',
    timeColumn: 'updated_at',
    intelligenceRecordType: 'call',
    dependents: [{ owner: 'cad', table: 'incident_calls', column: 'call_id' }],
  },
  incidents: {
    name: 'incidents',
    description: 'CAD incidents, with their links to calls.',
    owner: 'cad',
    table: 'incidents',
    idColumn: 'id',
    timeColumn: 'updated_at',
    intelligenceRecordType: 'incident',
    dependents: [{ owner: 'cad', table: 'incident_calls', column: 'incident_id' }],
  },
  'dead-letters': {
    name: 'dead-letters',
    description: 'Rejected vendor input, raw payloads included.',
    owner: 'ingest',
    table: 'dead_letters',
    idColumn: 'id',
    timeColumn: 'received_at',
  },
  'audit-records': {
    name: 'audit-records',
    description: 'The audit trail (kept at least 365 days; purged through the audit log, which keeps the chain verifiable).',
    owner: 'audit',
    table: 'audit_records',
    idColumn: 'seq',
    timeColumn: 'recorded_at',
  },
};

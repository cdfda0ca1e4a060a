import { createHash } from 'node:crypto';

/** SHA-256 (hex) of a GraphQL document as sent, for the audit record's `documentHash`. */
export function hashDocument(document: string): string {
  return createHash('sha256').update(document, 'utf8').digest('hex');
}

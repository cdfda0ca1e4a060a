/**
 * Fictional people of the simulated city: 911 callers and community camera owners' contacts.
 * Each is a pure function of a key (a call id, an owner id), not a random draw, so that adding
 * them shifts none of the simulation's random streams and the same owner always has the same
 * contact. Telephone numbers are in 555-0100…0199, which the NANP reserves for fiction.
 */

const GIVEN_NAMES = [
  'Maria', 'James', 'Sofia', 'Daniel', 'Aiyana', 'Robert', 'Lucia', 'Kevin', 'Grace', 'Miguel',
  'Hannah', 'Tyrone', 'Mei', 'Carlos', 'Olivia', 'Samuel', 'Priya', 'Ethan', 'Rosa', 'Nathan',
];
const FAMILY_NAMES = [
  'Garcia', 'Begay', 'Nguyen', 'Johnson', 'Martinez', 'Yazzie', 'Smith', 'Lopez', 'Chen', 'Williams',
  'Hernandez', 'Patel', 'Brown', 'Tsosie', 'Davis', 'Romero', 'Kim', 'Miller', 'Flores', 'Wilson',
];

/** FNV-1a, 32 bits: a stable spread of a key over a list. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index += 1) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

const itemOf = <T>(items: readonly T[], hash: number): T => items[hash % items.length] as T;

/** A fictional person's full name for `key`. */
export function simulatedPersonName(key: string): string {
  const hash = hashOf(key);
  return `${itemOf(GIVEN_NAMES, hash)} ${itemOf(FAMILY_NAMES, Math.floor(hash / GIVEN_NAMES.length))}`;
}

/** A fictional Mesa telephone number for `key`: `480-555-01nn`. */
export function simulatedPhoneNumber(key: string): string {
  return `480-555-01${String(hashOf(`phone:${key}`) % 100).padStart(2, '0')}`;
}

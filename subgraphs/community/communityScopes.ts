/**
 * The scopes the program desk reads from the forwarded caller. The community ones are named
 * here as literals until auth/roles.ts lists them (requested of the lead); the rest are SCOPES'.
 */
export const COMMUNITY_SCOPES = {
  /** A camera owner: their own profile, cameras and requests only. */
  own: 'community:own',
  /** Police staff who verify and approve registrations, and see every owner's. */
  review: 'community:review',
  /** Operators who ask owners for footage. */
  footageRequest: 'footage:request',
  /** The camera directory. */
  camerasRead: 'cameras:read',
  /** Owners' contact details. */
  ownerContacts: 'cameras:owner-contacts',
} as const;

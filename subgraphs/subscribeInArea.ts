import { createAreaMembership, parseArea } from '../geo/area';
import type { LatLon } from '../geo/geodesy';
import type { ChangeFeed } from './createChangeFeed';

export interface AreaSubscriptionOptions<C, E> {
  readonly feed: ChangeFeed<C>;
  /** The raw `area` argument (AreaInput), or null/undefined for everywhere. */
  readonly area: unknown;
  /** The entity a change carries, when it is one this subscription is about. */
  readonly pick: (change: C) => E | undefined;
  readonly keyOf: (entity: E) => string;
  /** Where the entity is now; null when unknown (it then counts as outside any area). */
  readonly pointOf: (entity: E) => LatLon | null;
}

/**
 * A subscription to a subgraph's changes limited to an area: entities inside are delivered,
 * and an entity that was delivered and then leaves (or loses its location) is delivered once
 * more so that the client can remove its marker. A bad `area` throws BAD_USER_INPUT before
 * anything is subscribed.
 */
export function subscribeInArea<C, E>(options: AreaSubscriptionOptions<C, E>): AsyncIterableIterator<E> {
  const { feed, area, pick, keyOf, pointOf } = options;
  const membership = area == null ? null : createAreaMembership<string>(parseArea(area));
  return feed.subscribe((change) => {
    const entity = pick(change);
    if (entity === undefined || membership === null) return entity;
    return membership.decide(keyOf(entity), pointOf(entity)) === 'outside' ? undefined : entity;
  });
}

import type { LayerKind, LiveEntities } from './liveEntities';

/** Whether a layer's entities changed since it was last drawn. */
export interface ChangeTracker {
  /** True when `kind`'s map differs from what `remember` last saw (always before the first `remember`). */
  isChanged(kind: LayerKind, entities: LiveEntities): boolean;
  /** Notes what `kind`'s map holds now: the layer was drawn from it. */
  remember(kind: LayerKind, entities: LiveEntities): void;
}

/**
 * Tells changed layers by identity: the console replaces an entity's object whenever an event
 * changes it and a Map keeps its keys in insertion order, so a layer is unchanged exactly when
 * its map holds the same objects in the same order as when it was drawn. The check walks the
 * map once without allocating, far cheaper than rebuilding a layer's features.
 */
export function createChangeTracker(): ChangeTracker {
  const drawn = new Map<LayerKind, unknown[]>();
  return {
    isChanged(kind, entities) {
      const previous = drawn.get(kind);
      const current: Map<string, unknown> = entities[kind];
      if (!previous || previous.length !== current.size) return true;
      let index = 0;
      for (const value of current.values()) {
        if (previous[index] !== value) return true;
        index += 1;
      }
      return false;
    },
    remember(kind, entities) {
      drawn.set(kind, [...entities[kind].values()]);
    },
  };
}

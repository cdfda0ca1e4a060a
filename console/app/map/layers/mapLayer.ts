import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { LiveEntities } from '../liveEntities';

/** One switchable layer of the map: its sources and MapLibre layers, drawn from the live entities. */
export interface MapLayer {
  /** MapLibre layer ids, toggled together by the layer switch (none for a layer of DOM markers). */
  readonly layerIds: readonly string[];
  /** Adds sources and layers to a map whose style has loaded. */
  add(map: MapLibreMap): void;
  /** Replaces the layer's data with the current entities. */
  update(map: MapLibreMap, entities: LiveEntities): void;
  /** Least time between two updates, ms; changes in between are drawn together. Default: every frame. */
  readonly minRedrawIntervalMs?: number;
  /** Shows or hides what the layer draws outside MapLibre's layers (DOM markers); `layerIds` are toggled either way. */
  setVisible?(map: MapLibreMap, visible: boolean): void;
}

/** A FeatureCollection of `features`. */
export const collection = (features: Feature<Geometry>[]): FeatureCollection => ({ type: 'FeatureCollection', features });

/** Sets a GeoJSON source's data, if the source exists yet. */
export function setSourceData(map: MapLibreMap, sourceId: string, data: FeatureCollection): void {
  const source = map.getSource(sourceId);
  if (source && 'setData' in source && typeof source.setData === 'function') (source as { setData(data: FeatureCollection): void }).setData(data);
}

/** An empty GeoJSON source (data comes with the first update). */
export const emptySource = (extra: Record<string, unknown> = {}) => ({ type: 'geojson' as const, data: collection([]), ...extra });

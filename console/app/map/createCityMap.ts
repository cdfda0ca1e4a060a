import { Map as MapLibreMap, type MapLayerMouseEvent, NavigationControl } from 'maplibre-gl';
import { LAYER_KINDS, type LayerKind, type LiveEntities } from './liveEntities';
import type { MapLayer } from './layers/mapLayer';
import { callsLayer } from './layers/callsLayer';
import { incidentsLayer } from './layers/incidentsLayer';
import { unitsLayer } from './layers/unitsLayer';
import { camerasLayer } from './layers/camerasLayer';

const LAYERS: Readonly<Record<LayerKind, MapLayer>> = { calls: callsLayer, incidents: incidentsLayer, units: unitsLayer, cameras: camerasLayer };

export interface CityMapOptions {
  readonly container: HTMLElement;
  readonly styleUrl: string;
  readonly bounds: readonly [number, number, number, number];
  /** Layers this caller may see (a partner sees no cameras): the others are never added. */
  readonly kinds: readonly LayerKind[];
  /** A call or incident clicked on the map. */
  readonly onSelect: (kind: 'call' | 'incident', id: string) => void;
}

/** The console's map: the basemap and the live layers over it. */
export interface CityMap {
  readonly map: MapLibreMap;
  /** Resolves once the style and the live layers are in place. */
  readonly loaded: Promise<void>;
  /** Redraws every layer from the live entities (at most once a frame). */
  draw(entities: LiveEntities): void;
  /** Shows or hides one layer (the layer switch). */
  setVisible(kind: LayerKind, visible: boolean): void;
  /** Brings a point into view, moving the map only when it is out of sight. */
  flyTo(point: { lat: number; lon: number }): void;
}

/** Creates the MapLibre map with the layers `kinds` names, drawing from the entities given to `draw`. */
export function createCityMap(options: CityMapOptions): CityMap {
  const { container, styleUrl, bounds, kinds, onSelect } = options;
  const map = new MapLibreMap({
    container,
    style: styleUrl,
    bounds: [bounds[0], bounds[1], bounds[2], bounds[3]],
    fitBoundsOptions: { padding: 20 },
    attributionControl: false,
    // The test browser and screenshots read the canvas back.
    canvasContextAttributes: { preserveDrawingBuffer: true },
  });
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  const loaded = new Promise<void>((resolve) => {
    map.on('load', () => {
      for (const kind of LAYER_KINDS) if (kinds.includes(kind)) LAYERS[kind].add(map);
      resolve();
    });
  });
  for (const [layerId, kind] of [['calls', 'call'], ['incidents', 'incident']] as const) {
    map.on('click', layerId, (event: MapLayerMouseEvent) => {
      const id = event.features?.[0]?.properties?.id;
      if (typeof id === 'string') onSelect(kind, id);
    });
    map.on('mouseenter', layerId, () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', layerId, () => (map.getCanvas().style.cursor = ''));
  }
  let pending: LiveEntities | null = null;
  return {
    map,
    loaded,
    draw(entities) {
      if (pending) {
        pending = entities;
        return;
      }
      pending = entities;
      requestAnimationFrame(() => {
        const latest = pending!;
        pending = null;
        void loaded.then(() => {
          for (const kind of kinds) LAYERS[kind].update(map, latest);
        });
      });
    },
    setVisible(kind, visible) {
      void loaded.then(() => {
        for (const layerId of LAYERS[kind].layerIds) map.setLayoutProperty(layerId, 'visibility', visible ? 'visible' : 'none');
      });
    },
    flyTo(point) {
      // Only when it is out of sight: the operator keeps the view they chose.
      if (!map.getBounds().contains([point.lon, point.lat])) map.easeTo({ center: [point.lon, point.lat] });
    },
  };
}

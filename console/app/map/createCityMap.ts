import { Map as MapLibreMap, type MapLayerMouseEvent, NavigationControl } from 'maplibre-gl';
import { LAYER_KINDS, type LayerKind, type LiveEntities } from './liveEntities';
import type { MapLayer } from './layers/mapLayer';
import { createChangeTracker } from './createChangeTracker';
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
  /** A camera clicked on the map (its popup: level, "Request footage"). */
  readonly onCameraSelect?: (id: string, at: { lat: number; lon: number }) => void;
}

/** The console's map: the basemap and the live layers over it. */
export interface CityMap {
  readonly map: MapLibreMap;
  /** Resolves once the style and the live layers are in place. */
  readonly loaded: Promise<void>;
  /** Redraws from the live entities: at most once a frame, only the layers whose entities changed, each no more often than its layer allows. */
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
    // Labels appear at once instead of fading in: a fade repaints the whole map every frame for
    // 300 ms after each data change, which without a GPU is most of a core while events arrive.
    fadeDuration: 0,
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
  const { onCameraSelect } = options;
  if (onCameraSelect && kinds.includes('cameras')) {
    map.on('click', 'cameras', (event: MapLayerMouseEvent) => {
      const id = event.features?.[0]?.properties?.id;
      if (typeof id === 'string') onCameraSelect(id, { lat: event.lngLat.lat, lon: event.lngLat.lng });
    });
  }
  for (const [layerId, kind] of [['calls', 'call'], ['incidents', 'incident']] as const) {
    map.on('click', layerId, (event: MapLayerMouseEvent) => {
      const id = event.features?.[0]?.properties?.id;
      if (typeof id === 'string') onSelect(kind, id);
    });
    map.on('mouseenter', layerId, () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', layerId, () => (map.getCanvas().style.cursor = ''));
  }
  // At most one redraw a frame, only of the layers whose entities changed since they were last
  // drawn, and a layer no more often than its `minRedrawIntervalMs`: 2,000 fixes a second must
  // neither re-send 2,000 cameras to MapLibre's worker (which re-clusters them and re-tiles
  // their cones) nor have the whole map repainted sixty times a second.
  const changes = createChangeTracker();
  const drawnAt = new Map<LayerKind, number>();
  let latest: LiveEntities | null = null;
  let ready = false;
  let frameRequested = false;
  let retry: number | null = null;
  const requestFrame = () => {
    if (frameRequested || !ready) return;
    frameRequested = true;
    requestAnimationFrame(drawChanged);
  };
  const drawChanged = () => {
    frameRequested = false;
    const entities = latest;
    if (!entities) return;
    const now = performance.now();
    let retryInMs = Number.POSITIVE_INFINITY;
    for (const kind of kinds) {
      if (!changes.isChanged(kind, entities)) continue;
      const dueAt = (drawnAt.get(kind) ?? Number.NEGATIVE_INFINITY) + (LAYERS[kind].minRedrawIntervalMs ?? 0);
      if (now < dueAt) {
        retryInMs = Math.min(retryInMs, dueAt - now);
        continue;
      }
      LAYERS[kind].update(map, entities);
      changes.remember(kind, entities);
      drawnAt.set(kind, now);
    }
    if (retryInMs !== Number.POSITIVE_INFINITY && retry === null) {
      retry = window.setTimeout(() => {
        retry = null;
        requestFrame();
      }, retryInMs);
    }
  };
  void loaded.then(() => {
    ready = true;
    requestFrame();
  });
  return {
    map,
    loaded,
    draw(entities) {
      latest = entities;
      requestFrame();
    },
    setVisible(kind, visible) {
      void loaded.then(() => {
        for (const layerId of LAYERS[kind].layerIds) map.setLayoutProperty(layerId, 'visibility', visible ? 'visible' : 'none');
        LAYERS[kind].setVisible?.(map, visible);
      });
    },
    flyTo(point) {
      // Only when it is out of sight: the operator keeps the view they chose.
      if (!map.getBounds().contains([point.lon, point.lat])) map.easeTo({ center: [point.lon, point.lat] });
    },
  };
}

import type { Map as MapLibreMap } from 'maplibre-gl';
import type { LiveEntities } from '../liveEntities';
import { type MapLayer, collection, emptySource, setSourceData } from './mapLayer';

/** Colours of a unit's status; a stale position is drawn grey whatever the status. */
export const UNIT_STATUS_COLOURS: Readonly<Record<string, string>> = {
  AVAILABLE: '#1a9641',
  DISPATCHED: '#fdae61',
  ENROUTE: '#f46d43',
  ON_SCENE: '#d73027',
  TRANSPORTING: '#4575b4',
  OUT_OF_SERVICE: '#555555',
};
const STALE_COLOUR = '#9e9e9e';

/** An arrow pointing north, drawn once as an SDF image so that MapLibre colours and rotates it. */
function arrowImage(): { width: number; height: number; data: Uint8Array } {
  const size = 32;
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#000';
  context.beginPath();
  context.moveTo(size / 2, 2);
  context.lineTo(size - 5, size - 4);
  context.lineTo(size / 2, size - 11);
  context.lineTo(5, size - 4);
  context.closePath();
  context.fill();
  const pixels = context.getImageData(0, 0, size, size).data;
  return { width: size, height: size, data: new Uint8Array(pixels.buffer.slice(0)) };
}

/** Units with a known position: arrows along their heading, coloured by status, stale ones grey. */
export const unitsLayer: MapLayer = {
  layerIds: ['units'],
  add(map: MapLibreMap) {
    if (!map.hasImage('unit-arrow')) map.addImage('unit-arrow', arrowImage(), { sdf: true });
    map.addSource('units', emptySource());
    map.addLayer({
      id: 'units',
      type: 'symbol',
      source: 'units',
      layout: {
        'icon-image': 'unit-arrow',
        'icon-size': 0.7,
        'icon-rotate': ['get', 'heading'],
        'icon-rotation-alignment': 'map',
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
      },
      paint: { 'icon-color': ['get', 'colour'], 'icon-halo-color': '#ffffff', 'icon-halo-width': 1.5 },
    });
  },
  update(map: MapLibreMap, { units }: LiveEntities) {
    setSourceData(
      map,
      'units',
      collection(
        [...units.values()]
          .filter((unit) => unit.position)
          .map((unit) => ({
            type: 'Feature',
            id: unit.id,
            properties: {
              id: unit.id,
              kind: 'unit',
              status: unit.status,
              stale: unit.position!.stale,
              heading: unit.position!.headingDegrees ?? 0,
              colour: unit.position!.stale ? STALE_COLOUR : (UNIT_STATUS_COLOURS[unit.status] ?? '#333333'),
            },
            geometry: { type: 'Point', coordinates: [unit.position!.point.lon, unit.position!.point.lat] },
          })),
      ),
    );
  },
};

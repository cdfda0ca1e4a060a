import type { Map as MapLibreMap } from 'maplibre-gl';
import { circleRing } from '../geoShapes';
import { type LiveEntities, isActiveCall } from '../liveEntities';
import { type MapLayer, collection, emptySource, setSourceData } from './mapLayer';

/** Colours of a call's state: ringing red, answered orange, on hold purple. */
export const CALL_STATE_COLOURS: Readonly<Record<string, string>> = { RINGING: '#d7191c', ACTIVE: '#f28c28', ON_HOLD: '#7b3294' };

/** Active 911 calls, coloured by state, each with the circle its caller's true position lies in. */
export const callsLayer: MapLayer = {
  layerIds: ['calls-uncertainty', 'calls'],
  add(map: MapLibreMap) {
    map.addSource('calls', emptySource());
    map.addSource('calls-uncertainty', emptySource());
    map.addLayer({
      id: 'calls-uncertainty',
      type: 'fill',
      source: 'calls-uncertainty',
      paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.15, 'fill-outline-color': ['get', 'colour'] },
    });
    map.addLayer({
      id: 'calls',
      type: 'circle',
      source: 'calls',
      paint: { 'circle-radius': 8, 'circle-color': ['get', 'colour'], 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
    });
  },
  update(map: MapLibreMap, { calls }: LiveEntities) {
    const located = [...calls.values()].filter((call) => isActiveCall(call) && call.location);
    setSourceData(
      map,
      'calls',
      collection(
        located.map((call) => ({
          type: 'Feature',
          id: call.id,
          properties: { id: call.id, kind: 'call', state: call.state, colour: CALL_STATE_COLOURS[call.state] ?? '#d7191c' },
          geometry: { type: 'Point', coordinates: [call.location!.point.lon, call.location!.point.lat] },
        })),
      ),
    );
    setSourceData(
      map,
      'calls-uncertainty',
      collection(
        located
          .filter((call) => (call.location!.uncertaintyMeters ?? 0) > 0)
          .map((call) => ({
            type: 'Feature',
            properties: { id: call.id, colour: CALL_STATE_COLOURS[call.state] ?? '#d7191c' },
            geometry: { type: 'Polygon', coordinates: [circleRing(call.location!.point.lat, call.location!.point.lon, call.location!.uncertaintyMeters!)] },
          })),
      ),
    );
  },
};

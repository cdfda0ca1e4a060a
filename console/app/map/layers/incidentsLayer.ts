import type { Map as MapLibreMap } from 'maplibre-gl';
import { type LiveEntities, isActiveIncident } from '../liveEntities';
import { type MapLayer, collection, emptySource, setSourceData } from './mapLayer';

/** Priority 1 (most urgent) dark red to 5 and beyond blue. */
export const priorityColour = (priority: number): string => ['#67000d', '#cb181d', '#fb6a4a', '#fdae61', '#2c7bb6'][Math.min(Math.max(priority, 1), 5) - 1]!;

/** Open CAD incidents, coloured by priority, as squares-ish markers (a thick ring) to tell them from calls. */
export const incidentsLayer: MapLayer = {
  layerIds: ['incidents'],
  add(map: MapLibreMap) {
    map.addSource('incidents', emptySource());
    map.addLayer({
      id: 'incidents',
      type: 'circle',
      source: 'incidents',
      paint: { 'circle-radius': 7, 'circle-color': '#ffffff', 'circle-stroke-color': ['get', 'colour'], 'circle-stroke-width': 4 },
    });
  },
  update(map: MapLibreMap, { incidents }: LiveEntities) {
    setSourceData(
      map,
      'incidents',
      collection(
        [...incidents.values()].filter(isActiveIncident).map((incident) => ({
          type: 'Feature',
          id: incident.id,
          properties: { id: incident.id, kind: 'incident', priority: incident.priority, colour: priorityColour(incident.priority) },
          geometry: { type: 'Point', coordinates: [incident.location.point.lon, incident.location.point.lat] },
        })),
      ),
    );
  },
};

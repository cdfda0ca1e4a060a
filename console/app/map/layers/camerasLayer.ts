import type { Map as MapLibreMap } from 'maplibre-gl';
import { coneRing } from '../geoShapes';
import { type CameraClass, type LiveEntities, cameraClassOf } from '../liveEntities';
import { type MapLayer, collection, emptySource, setSourceData } from './mapLayer';

/** City blue; community cameras green when live now, pale green when integrated but not live, brown when registered only. */
export const CAMERA_CLASS_COLOURS: Readonly<Record<CameraClass, string>> = {
  city: '#1f78b4',
  'community-live': '#33a02c',
  'community-not-live': '#a6d96a',
  'community-registered': '#b15928',
};
const OFFLINE_COLOUR = '#b2182b';
/** Range drawn for a camera that states none (the hub assumes CAMERA_DEFAULT_RANGE_METERS likewise). */
const DRAWN_RANGE_METERS = 80;

/**
 * Cameras: city (blue) and community (live green, integrated but not live pale green, registered
 * brown), offline ones ringed red; clustered below street
 * zoom so that thousands stay usable, with their view cones from zoom 15.
 */
export const camerasLayer: MapLayer = {
  layerIds: ['camera-clusters', 'cameras', 'camera-cones'],
  add(map: MapLibreMap) {
    map.addSource('cameras', emptySource({ cluster: true, clusterRadius: 40, clusterMaxZoom: 15 }));
    map.addSource('camera-cones', emptySource());
    map.addLayer({
      id: 'camera-cones',
      type: 'fill',
      source: 'camera-cones',
      minzoom: 15,
      paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.12 },
    });
    map.addLayer({
      id: 'camera-clusters',
      type: 'circle',
      source: 'cameras',
      filter: ['has', 'point_count'],
      paint: {
        'circle-color': '#6a51a3',
        'circle-opacity': 0.6,
        'circle-radius': ['interpolate', ['linear'], ['get', 'point_count'], 2, 8, 50, 16, 500, 26],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1,
      },
    });
    map.addLayer({
      id: 'cameras',
      type: 'circle',
      source: 'cameras',
      filter: ['!', ['has', 'point_count']],
      paint: {
        'circle-radius': 4,
        'circle-color': ['get', 'colour'],
        'circle-stroke-color': ['case', ['get', 'offline'], OFFLINE_COLOUR, '#ffffff'],
        'circle-stroke-width': ['case', ['get', 'offline'], 2.5, 1],
        'circle-opacity': ['case', ['get', 'offline'], 0.5, 1],
      },
    });
  },
  update(map: MapLibreMap, { cameras }: LiveEntities) {
    const all = [...cameras.values()];
    const colourOf = (camera: (typeof all)[number]) => CAMERA_CLASS_COLOURS[cameraClassOf(camera)];
    setSourceData(
      map,
      'cameras',
      collection(
        all.map((camera) => ({
          type: 'Feature',
          id: camera.id,
          properties: { id: camera.id, kind: 'camera', source: camera.source, class: cameraClassOf(camera), offline: camera.status === 'OFFLINE', colour: colourOf(camera) },
          geometry: { type: 'Point', coordinates: [camera.location.point.lon, camera.location.point.lat] },
        })),
      ),
    );
    setSourceData(
      map,
      'camera-cones',
      collection(
        all
          .filter((camera) => camera.headingDegrees != null && camera.fieldOfViewDegrees != null && !camera.ptz)
          .map((camera) => ({
            type: 'Feature',
            properties: { id: camera.id, colour: camera.status === 'OFFLINE' ? OFFLINE_COLOUR : colourOf(camera) },
            geometry: {
              type: 'Polygon',
              coordinates: [coneRing(camera.location.point.lat, camera.location.point.lon, camera.headingDegrees!, camera.fieldOfViewDegrees!, camera.rangeMeters ?? DRAWN_RANGE_METERS)],
            },
          })),
      ),
    );
  },
};

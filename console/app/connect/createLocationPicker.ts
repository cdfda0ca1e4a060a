import { Map as MapLibreMap, Marker, NavigationControl } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import { coneRing } from '../map/geoShapes';
import { setSourceData } from '../map/layers/mapLayer';

export interface LocationPickerOptions {
  /** The element the map fills (it has a label: the page's text names what to do). */
  readonly container: HTMLElement;
  readonly styleUrl: string;
  readonly centre: { readonly lat: number; readonly lon: number };
  /** Called with the point whenever it is placed or dragged on the map. */
  readonly onPick: (point: { lat: number; lon: number }) => void;
}

/** A map to place a camera on: click places the marker, dragging moves it; the view cone follows the heading. */
export interface LocationPicker {
  /** Moves the marker (typed latitude and longitude) without calling `onPick`. */
  place(point: { lat: number; lon: number } | null): void;
  /** Redraws the view cone: heading and field of view in degrees, range in metres (null: no cone). */
  setView(view: { headingDegrees: number; fieldOfViewDegrees: number; rangeMeters: number } | null): void;
}

const CONE_COLOUR = '#33a02c';

/**
 * Creates the picker on the hub's basemap. The marker is a draggable MapLibre marker; the cone
 * a GeoJSON fill. Keyboard users type latitude and longitude instead (the form's inputs), and
 * the marker follows them.
 */
export function createLocationPicker(options: LocationPickerOptions): LocationPicker {
  const { container, styleUrl, centre, onPick } = options;
  const map = new MapLibreMap({ container, style: styleUrl, center: [centre.lon, centre.lat], zoom: 15, attributionControl: false, fadeDuration: 0 });
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  // The map is drawn for the pointer; the latitude and longitude inputs are the keyboard's way.
  map.getCanvas().setAttribute('aria-hidden', 'true');
  map.getCanvas().tabIndex = -1;
  let point: { lat: number; lon: number } | null = null;
  let view: { headingDegrees: number; fieldOfViewDegrees: number; rangeMeters: number } | null = null;
  let loaded = false;
  const marker = new Marker({ draggable: true, color: CONE_COLOUR });
  marker.getElement().classList.add('picked-point');
  marker.getElement().setAttribute('aria-hidden', 'true');
  marker.getElement().tabIndex = -1;
  const drawCone = () => {
    if (!loaded) return;
    const data: FeatureCollection = {
      type: 'FeatureCollection',
      features:
        point && view
          ? [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [coneRing(point.lat, point.lon, view.headingDegrees, view.fieldOfViewDegrees, view.rangeMeters)] } }]
          : [],
    };
    setSourceData(map, 'picked-cone', data);
  };
  const show = (next: { lat: number; lon: number } | null) => {
    point = next;
    if (next) marker.setLngLat([next.lon, next.lat]).addTo(map);
    else marker.remove();
    container.dataset.picked = next ? `${next.lat.toFixed(6)},${next.lon.toFixed(6)}` : '';
    drawCone();
  };
  map.on('load', () => {
    map.addSource('picked-cone', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: 'picked-cone', type: 'fill', source: 'picked-cone', paint: { 'fill-color': CONE_COLOUR, 'fill-opacity': 0.25, 'fill-outline-color': CONE_COLOUR } });
    loaded = true;
    container.dataset.ready = 'true';
    drawCone();
  });
  map.on('click', (event) => {
    const picked = { lat: event.lngLat.lat, lon: event.lngLat.lng };
    show(picked);
    onPick(picked);
  });
  marker.on('dragend', () => {
    const { lat, lng } = marker.getLngLat();
    show({ lat, lon: lng });
    onPick({ lat, lon: lng });
  });
  return {
    place(next) {
      show(next);
      if (next && !map.getBounds().contains([next.lon, next.lat])) map.easeTo({ center: [next.lon, next.lat] });
    },
    setView(next) {
      view = next;
      drawCone();
    },
  };
}

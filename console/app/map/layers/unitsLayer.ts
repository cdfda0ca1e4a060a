import { type Map as MapLibreMap, Marker } from 'maplibre-gl';
import type { LiveEntities, LiveUnit } from '../liveEntities';
import type { MapLayer } from './mapLayer';

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
const SVG_NS = 'http://www.w3.org/2000/svg';
/** An arrow pointing north, 22 px, outlined white so that it reads on any basemap. */
const ARROW_PATH = 'M16 2 L27 28 L16 21 L5 28 Z';
const ARROW_PIXELS = 22;

/** One unit's marker and what it last showed, so that an unchanged fix touches nothing. */
interface UnitMarker {
  readonly marker: Marker;
  readonly element: HTMLElement;
  readonly arrow: SVGPathElement;
  lon: number;
  lat: number;
  heading: number;
  colour: string;
}

/** Each map's unit markers, by unit id, and whether the layer is switched on. */
const markersOf = new WeakMap<MapLibreMap, { readonly byId: Map<string, UnitMarker>; visible: boolean }>();

const colourOf = (unit: LiveUnit) => (unit.position!.stale ? STALE_COLOUR : (UNIT_STATUS_COLOURS[unit.status] ?? '#333333'));

function createUnitMarker(map: MapLibreMap, unit: LiveUnit, visible: boolean): UnitMarker {
  const element = document.createElement('div');
  element.className = 'unit-marker';
  element.dataset.unitId = unit.id;
  // The map draws positions; the panel names the units near a call, for keyboard and screen reader.
  element.setAttribute('aria-hidden', 'true');
  // A unit on scene stands on its incident: clicks go through to the incident or call beneath.
  element.style.pointerEvents = 'none';
  element.style.display = visible ? '' : 'none';
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 32 32');
  svg.setAttribute('width', String(ARROW_PIXELS));
  svg.setAttribute('height', String(ARROW_PIXELS));
  const arrow = document.createElementNS(SVG_NS, 'path');
  arrow.setAttribute('d', ARROW_PATH);
  arrow.setAttribute('stroke', '#ffffff');
  arrow.setAttribute('stroke-width', '2.5');
  arrow.setAttribute('stroke-linejoin', 'round');
  svg.append(arrow);
  element.append(svg);
  const { point, headingDegrees } = unit.position!;
  const colour = colourOf(unit);
  arrow.setAttribute('fill', colour);
  const marker = new Marker({ element, rotationAlignment: 'map', pitchAlignment: 'map', rotation: headingDegrees ?? 0, subpixelPositioning: true })
    .setLngLat([point.lon, point.lat])
    .addTo(map);
  return { marker, element, arrow, lon: point.lon, lat: point.lat, heading: headingDegrees ?? 0, colour };
}

/**
 * Units with a known position: arrows along their heading, coloured by status, stale ones grey.
 * They are DOM markers over the map rather than a WebGL layer: a fleet reporting 10 fixes a
 * second would otherwise have the whole map repainted every frame, and without a GPU (the
 * benchmark's headless Chromium, many control-room thin clients) each repaint of the map is
 * tens of milliseconds of software rendering and a read-back of the canvas. Moving a marker
 * only moves its element.
 */
export const unitsLayer: MapLayer = {
  layerIds: [],
  // No unit reports more often than 10 times a second: moving the markers more often than that
  // only costs the page a style, layout and paint pass every frame.
  minRedrawIntervalMs: 100,
  add(map: MapLibreMap) {
    if (!markersOf.has(map)) markersOf.set(map, { byId: new Map(), visible: true });
  },
  update(map: MapLibreMap, { units }: LiveEntities) {
    const state = markersOf.get(map);
    if (!state) return;
    const { byId } = state;
    for (const [id, shown] of byId) {
      if (units.get(id)?.position) continue;
      shown.marker.remove();
      byId.delete(id);
    }
    for (const unit of units.values()) {
      if (!unit.position) continue;
      const shown = byId.get(unit.id);
      if (!shown) {
        byId.set(unit.id, createUnitMarker(map, unit, state.visible));
        continue;
      }
      const { point, headingDegrees } = unit.position;
      if (point.lon !== shown.lon || point.lat !== shown.lat) {
        shown.marker.setLngLat([point.lon, point.lat]);
        shown.lon = point.lon;
        shown.lat = point.lat;
      }
      const heading = headingDegrees ?? 0;
      if (heading !== shown.heading) {
        shown.marker.setRotation(heading);
        shown.heading = heading;
      }
      const colour = colourOf(unit);
      if (colour !== shown.colour) {
        shown.arrow.setAttribute('fill', colour);
        shown.colour = colour;
      }
    }
  },
  setVisible(map: MapLibreMap, visible: boolean) {
    const state = markersOf.get(map);
    if (!state) return;
    state.visible = visible;
    for (const { element } of state.byId.values()) element.style.display = visible ? '' : 'none';
  },
};

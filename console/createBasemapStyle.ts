import type { StreetGrid } from '../simulator';

/**
 * The default basemap: a MapLibre style of the simulated city's own streets (a GeoJSON source
 * the hub serves), with no glyphs, sprites or tiles from anywhere else. Major streets are drawn
 * wider. An agency points CONSOLE_BASEMAP_STYLE_URL at its own style instead.
 */
export function createBasemapStyle(grid: StreetGrid): Record<string, unknown> {
  const { area } = grid;
  const line = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    const a = grid.toLatLon(from);
    const b = grid.toLatLon(to);
    return [
      [a.lon, a.lat],
      [b.lon, b.lat],
    ];
  };
  const features = [
    ...grid.northSouthStreets.map((street) => ({
      type: 'Feature',
      properties: { name: street.name, major: street.major },
      geometry: { type: 'LineString', coordinates: line({ x: street.offsetMeters, y: area.minY }, { x: street.offsetMeters, y: area.maxY }) },
    })),
    ...grid.eastWestStreets.map((street) => ({
      type: 'Feature',
      properties: { name: street.name, major: street.major },
      geometry: { type: 'LineString', coordinates: line({ x: area.minX, y: street.offsetMeters }, { x: area.maxX, y: street.offsetMeters }) },
    })),
  ];
  const { south, west, north, east } = grid.bounds;
  return {
    version: 8,
    name: 'RTCC Hub simulated city',
    sources: {
      city: {
        type: 'geojson',
        data: {
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: {},
              geometry: { type: 'Polygon', coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]] },
            },
          ],
        },
      },
      streets: { type: 'geojson', data: { type: 'FeatureCollection', features } },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#dfe3e6' } },
      { id: 'city', type: 'fill', source: 'city', paint: { 'fill-color': '#f2efe9' } },
      {
        id: 'minor-streets',
        type: 'line',
        source: 'streets',
        filter: ['!', ['get', 'major']],
        paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 1, 17, 6] },
      },
      {
        id: 'major-streets',
        type: 'line',
        source: 'streets',
        filter: ['get', 'major'],
        paint: { 'line-color': '#f9d77e', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 2.5, 17, 12] },
      },
    ],
  };
}

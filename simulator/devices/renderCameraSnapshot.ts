/**
 * A simulated camera's still image, as SVG. Chosen over PNG or JPEG because the picture is
 * mostly text and lines: a string of about 3 KB built in microseconds, sharp at any tile size,
 * with the camera's name as real text, and no image encoder to write or depend on. Browsers show
 * it in an `<img>`, where SVG runs no script and loads nothing.
 */
import { normalizeDegrees } from '../../geo/geodesy';

/** What the picture shows. */
export interface SnapshotScene {
  readonly cameraId: string;
  readonly name: string;
  /** Where the lens looks, degrees from north (a PTZ head's current bearing); null when unknown. */
  readonly headingDegrees: number | null;
  readonly fieldOfViewDegrees: number | null;
  readonly ptz: boolean;
  /** The moment shown (burnt in, as a camera does). */
  readonly at: Date;
}

/** `content-type` of {@link renderCameraSnapshot}'s answer. */
export const SNAPSHOT_CONTENT_TYPE = 'image/svg+xml; charset=utf-8';

const WIDTH = 640;
const HEIGHT = 360;
const HORIZON = 150;
/** Arizona keeps standard time all year: the cameras' burnt-in clock is UTC−7. */
const MST_OFFSET_MS = -7 * 3600_000;
const COMPASS = [
  [0, 'N'],
  [45, 'NE'],
  [90, 'E'],
  [135, 'SE'],
  [180, 'S'],
  [225, 'SW'],
  [270, 'W'],
  [315, 'NW'],
] as const;

/**
 * Renders the camera's view at `at`: sky and a street in perspective whose vanishing point
 * follows the heading (the city's grid runs north–south and east–west), traffic placed by the
 * time, a compass strip over the field of view, and the camera's name and clock. Pure: the same
 * scene gives the same bytes; another second gives another image.
 */
export function renderCameraSnapshot(scene: SnapshotScene): string {
  const heading = scene.headingDegrees === null ? 0 : normalizeDegrees(scene.headingDegrees);
  const fov = scene.fieldOfViewDegrees ?? 70;
  // Off the grid's axes by δ, the street's vanishing point slides sideways across the frame.
  const offAxis = ((heading + 45) % 90) - 45;
  const vanishingX = WIDTH / 2 - (offAxis / (fov / 2)) * (WIDTH / 2);
  const seconds = Math.floor(scene.at.getTime() / 1000);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeXml(`Snapshot of ${scene.name}`)}">`,
    `<title>${escapeXml(scene.name)}</title>`,
    `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${skyTop(scene.at)}"/><stop offset="1" stop-color="#c8d3de"/></linearGradient></defs>`,
    `<rect width="${WIDTH}" height="${HORIZON}" fill="url(#sky)"/>`,
    `<rect y="${HORIZON}" width="${WIDTH}" height="${HEIGHT - HORIZON}" fill="#4a4f55"/>`,
    ...street(vanishingX),
    ...traffic(vanishingX, seconds, scene.cameraId),
    ...compass(heading, fov),
    `<rect y="${HEIGHT - 46}" width="${WIDTH}" height="46" fill="#000" fill-opacity="0.6"/>`,
    `<text x="12" y="${HEIGHT - 26}" font-family="sans-serif" font-size="16" fill="#fff">${escapeXml(scene.name)}</text>`,
    `<text x="12" y="${HEIGHT - 8}" font-family="monospace" font-size="13" fill="#ddd">${escapeXml(scene.cameraId)}  ${mstClock(scene.at)}  ${scene.ptz ? 'PTZ ' : ''}${Math.round(heading)}°</text>`,
    '</svg>',
  ];
  return parts.join('');
}

/** The road's edges and centre line, converging on the vanishing point; cross streets at perspective depths. */
function street(vanishingX: number): string[] {
  const lines = [
    `<polygon points="${fmt(vanishingX)},${HORIZON} ${fmt(vanishingX - 4)},${HORIZON} -200,${HEIGHT} ${WIDTH + 200},${HEIGHT}" fill="#2e3236"/>`,
    `<line x1="${fmt(vanishingX)}" y1="${HORIZON}" x2="${WIDTH / 2}" y2="${HEIGHT}" stroke="#e8c547" stroke-width="3" stroke-dasharray="14 12"/>`,
  ];
  for (const depth of [0.08, 0.2, 0.42]) {
    const y = HORIZON + depth * (HEIGHT - HORIZON);
    lines.push(`<line x1="0" y1="${fmt(y)}" x2="${WIDTH}" y2="${fmt(y)}" stroke="#62686e" stroke-width="${fmt(1 + depth * 6)}"/>`);
  }
  // Buildings on the skyline, either side of the street.
  for (let index = 0; index < 8; index += 1) {
    const x = index * 80 + (index % 2) * 12;
    const height = 30 + ((index * 37) % 70);
    if (Math.abs(x + 30 - vanishingX) < 40) continue;
    lines.push(`<rect x="${x}" y="${HORIZON - height}" width="60" height="${height}" fill="#5d6b7a"/>`);
  }
  return lines;
}

/** Two cars along the street, where the clock puts them (a 20 s loop, phased by the camera). */
function traffic(vanishingX: number, seconds: number, cameraId: string): string[] {
  let phase = 0;
  for (const char of cameraId) phase = (phase * 31 + char.charCodeAt(0)) % 20;
  return [0, 10].map((lag, index) => {
    const progress = ((seconds + phase + lag) % 20) / 20; // 0 at the horizon, 1 at the lens
    const depth = progress * progress;
    const y = HORIZON + depth * (HEIGHT - HORIZON - 50);
    const size = 6 + depth * 70;
    const laneX = vanishingX + (WIDTH / 2 - vanishingX) * depth + (index === 0 ? -1 : 1) * size * 0.8;
    return `<rect x="${fmt(laneX - size / 2)}" y="${fmt(y)}" width="${fmt(size)}" height="${fmt(size * 0.55)}" rx="${fmt(size * 0.1)}" fill="${index === 0 ? '#b8312f' : '#d9d9d9'}"/>`;
  });
}

/** A strip along the top: the bearings the field of view spans, with the compass points in it. */
function compass(heading: number, fov: number): string[] {
  const marks = [`<rect width="${WIDTH}" height="22" fill="#000" fill-opacity="0.45"/>`];
  for (const [bearing, label] of COMPASS) {
    const off = ((bearing - heading + 540) % 360) - 180;
    if (Math.abs(off) > fov / 2) continue;
    const x = WIDTH / 2 + (off / (fov / 2)) * (WIDTH / 2);
    marks.push(`<text x="${fmt(x)}" y="16" text-anchor="middle" font-family="sans-serif" font-size="13" fill="#fff">${label}</text>`);
  }
  marks.push(`<path d="M${WIDTH / 2 - 6} 22 L${WIDTH / 2} 30 L${WIDTH / 2 + 6} 22 Z" fill="#fff"/>`);
  return marks;
}

/** Night, dawn and day skies by the local hour. */
function skyTop(at: Date): string {
  const hour = new Date(at.getTime() + MST_OFFSET_MS).getUTCHours();
  if (hour < 5 || hour >= 20) return '#0d1b2a';
  if (hour < 7 || hour >= 18) return '#c9724b';
  return '#4f86c6';
}

/** `2026-11-23 12:00:05 MST`. */
function mstClock(at: Date): string {
  return `${new Date(at.getTime() + MST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ')} MST`;
}

const fmt = (value: number): string => (Math.round(value * 10) / 10).toString();

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char] ?? char);
}

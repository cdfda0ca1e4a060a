import { type SnapshotScene, renderCameraSnapshot } from '../devices/renderCameraSnapshot';

/** `content-type` of {@link renderFootageClip}'s bytes. */
export const FOOTAGE_CLIP_CONTENT_TYPE = 'image/svg+xml';

/** Frames of a clip; each is shown for a second, then the clip starts over. */
const FRAMES = 6;

/**
 * The clip a simulated owner uploads for a footage request: the camera's picture at `FRAMES`
 * moments spread over the window asked for (its clock burnt in, as a recorder's export shows),
 * as one animated SVG that a browser plays in a loop. Pure: the same camera and window give the
 * same bytes (and so the same SHA-256), which is what lets a test compare the download.
 */
export function renderFootageClip(scene: Omit<SnapshotScene, 'at'>, window: { readonly from: Date; readonly to: Date }): Buffer {
  const fromMs = window.from.getTime();
  const toMs = window.to.getTime();
  if (!(Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs >= fromMs)) throw new RangeError('renderFootageClip: the window must be two valid times, from <= to');
  const frames: string[] = [];
  for (let index = 0; index < FRAMES; index += 1) {
    const at = new Date(fromMs + Math.round(((toMs - fromMs) * index) / (FRAMES - 1)));
    // Each frame's ids are its own, or every frame would paint the first frame's sky.
    const picture = renderCameraSnapshot({ ...scene, at }).replace(/id="sky"/g, `id="sky-${index}"`).replace(/url\(#sky\)/g, `url(#sky-${index})`);
    frames.push(`<g visibility="${index === 0 ? 'visible' : 'hidden'}">${visibilityAnimation(index)}${picture}</g>`);
  }
  const svg = [
    '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360">',
    ...frames,
    '</svg>',
  ].join('');
  return Buffer.from(svg, 'utf8');
}

/** Shows frame `index` during its second of the loop (SMIL, discrete). */
function visibilityAnimation(index: number): string {
  const start = index / FRAMES;
  const end = (index + 1) / FRAMES;
  const [values, keyTimes] =
    index === 0
      ? ['visible;hidden', `0;${end.toFixed(4)}`]
      : index === FRAMES - 1
        ? ['hidden;visible', `0;${start.toFixed(4)}`]
        : ['hidden;visible;hidden', `0;${start.toFixed(4)};${end.toFixed(4)}`];
  return `<animate attributeName="visibility" calcMode="discrete" values="${values}" keyTimes="${keyTimes}" dur="${FRAMES}s" repeatCount="indefinite"/>`;
}

import { XMLValidator } from 'fast-xml-parser';
import { type SnapshotServer, createSnapshotServer } from '../../../simulator/devices';

const scene = { cameraId: 'cam-0200', name: 'Saguaro Market - Front door', headingDegrees: 270, fieldOfViewDegrees: 100, ptz: false };

/** The simulated camera's live picture, as community owners register it (`/stream/<id>.mjpeg`). */
describe('the simulated cameras\' streams', () => {
  let server: SnapshotServer;
  let clock = new Date('2026-11-23T19:00:00.000Z');

  beforeAll(async () => {
    server = createSnapshotServer({ sceneOf: (id) => (id === scene.cameraId ? scene : null), now: () => clock, frameIntervalMs: 20 });
    await server.listen();
  });
  afterAll(() => server?.close());

  it('sends one picture after another as multipart/x-mixed-replace, each a well-formed SVG of its moment, until the client goes away', async () => {
    const controller = new AbortController();
    const response = await fetch(server.streamUrlOf(scene.cameraId), { signal: controller.signal });
    expect(response.status).toBe(200);
    const type = response.headers.get('content-type')!;
    const boundary = /^multipart\/x-mixed-replace; boundary=(.+)$/.exec(type)?.[1];
    expect(boundary).toBeDefined();
    const reader = response.body!.getReader();
    let text = '';
    const parts = () => text.split(`--${boundary}\r\n`).slice(1).filter((part) => part.endsWith('</svg>\r\n'));
    while (parts().length < 3) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
      clock = new Date(clock.getTime() + 1000);
    }
    const frames = parts().map((part) => {
      const [head, body] = part.split('\r\n\r\n') as [string, string];
      expect(head).toMatch(/content-type: image\/svg\+xml/);
      const svg = body.slice(0, -2);
      expect(head).toContain(`content-length: ${Buffer.byteLength(svg)}`);
      expect(XMLValidator.validate(svg)).toBe(true);
      return svg;
    });
    expect(frames.length).toBeGreaterThanOrEqual(3);
    expect(new Set(frames).size).toBeGreaterThan(1);
    expect(server.counts().streaming).toBe(1);
    controller.abort();
    await reader.cancel().catch(() => undefined);
    // The server hears the client go; poll its count rather than a time.
    for (let tries = 0; tries < 1000 && server.counts().streaming > 0; tries += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(server.counts().streaming).toBe(0);
  });

  it('answers 404 for a camera it does not have or a broken id (and keeps serving), and refuses a frame interval no camera sends', async () => {
    const response = await fetch(server.streamUrlOf('cam-9999'));
    expect(response.status).toBe(404);
    await response.text();
    const origin = new URL(server.urlOf(scene.cameraId)).origin;
    for (const path of ['/stream/%zz.mjpeg', '/snapshot/%E0%A4%A.svg', '/stream/%00.mjpeg']) {
      const broken = await fetch(`${origin}${path}`);
      expect({ path, status: broken.status }).toEqual({ path, status: 404 });
      await broken.text();
    }
    const still = await fetch(server.urlOf(scene.cameraId));
    expect(still.status).toBe(200);
    await still.text();
    expect(() => createSnapshotServer({ sceneOf: () => null, now: () => clock, frameIntervalMs: 0 })).toThrow(RangeError);
  });
});

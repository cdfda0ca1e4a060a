import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { type CameraDiscovered } from '../../../contract';
import { createCitySimulation } from '../../../simulator';
import {
  SNAPSHOT_CONTENT_TYPE,
  SNAPSHOT_PATH,
  type CameraRow,
  type OnvifDeviceFleet,
  type SnapshotServer,
  createOnvifDeviceFleet,
  createSnapshotServer,
  renderCameraSnapshot,
} from '../../../simulator/devices';

const AT = new Date('2026-11-23T19:00:05.000Z');
const scene = { cameraId: 'cam-0042', name: 'Main St & Center St (NE)', headingDegrees: 80, fieldOfViewDegrees: 70, ptz: false };

/** The texts of an SVG document, parsed as XML (so a stray `&` or `<` fails to parse). */
function svgTexts(svg: string): { root: Record<string, unknown>; texts: string[] } {
  expect(XMLValidator.validate(svg)).toBe(true);
  const parsed = new XMLParser({ ignoreAttributes: false, textNodeName: '#text' }).parse(svg) as { svg?: Record<string, unknown> };
  expect(parsed.svg).toBeDefined();
  const texts: string[] = [];
  const walk = (node: unknown) => {
    if (typeof node === 'string' || typeof node === 'number') texts.push(String(node));
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) if (!key.startsWith('@_')) walk(value);
    }
  };
  walk(parsed.svg);
  return { root: parsed.svg!, texts };
}

describe('renderCameraSnapshot', () => {
  it('draws a well-formed SVG image naming the camera, its id and the time shown (Mesa time)', () => {
    const svg = renderCameraSnapshot({ ...scene, at: AT });
    const { root, texts } = svgTexts(svg);
    expect(root['@_xmlns']).toBe('http://www.w3.org/2000/svg');
    expect(root['@_width']).toBe('640');
    expect(texts).toContain('Main St & Center St (NE)');
    expect(texts.some((text) => text.includes('cam-0042') && text.includes('2026-11-23 12:00:05 MST'))).toBe(true);
  });

  it('gives the same bytes for the same scene, and another image for another second', () => {
    const first = renderCameraSnapshot({ ...scene, at: AT });
    expect(renderCameraSnapshot({ ...scene, at: new Date(AT) })).toBe(first);
    expect(renderCameraSnapshot({ ...scene, at: new Date(AT.getTime() + 1000) })).not.toBe(first);
  });

  it('shows where the lens looks: the compass points inside the field of view', () => {
    const east = svgTexts(renderCameraSnapshot({ ...scene, headingDegrees: 90, fieldOfViewDegrees: 60, at: AT })).texts;
    const north = svgTexts(renderCameraSnapshot({ ...scene, headingDegrees: 0, fieldOfViewDegrees: 60, at: AT })).texts;
    expect(east).toContain('E');
    expect(east).not.toContain('N');
    expect(north).toContain('N');
    expect(north).not.toContain('E');
  });

  it('escapes whatever a camera is called', () => {
    const svg = renderCameraSnapshot({ ...scene, name: '<script>alert("x")</script> & Sons\' "Deli"', at: AT });
    expect(svg).not.toContain('<script>');
    expect(svgTexts(svg).texts).toContain('<script>alert("x")</script> & Sons\' "Deli"');
  });
});

describe('createSnapshotServer', () => {
  let server: SnapshotServer;
  let clock = AT;
  beforeAll(async () => {
    server = createSnapshotServer({ sceneOf: (cameraId) => (cameraId === scene.cameraId ? scene : null), now: () => clock });
    await server.listen();
  });
  afterAll(() => server?.close());

  it('serves a camera\'s still as image/svg+xml, not to be cached, drawn for the time asked', async () => {
    const first = await fetch(server.urlOf(scene.cameraId));
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe(SNAPSHOT_CONTENT_TYPE);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const firstBody = await first.text();
    expect(svgTexts(firstBody).texts).toContain(scene.name);
    clock = new Date(AT.getTime() + 7000);
    const secondBody = await (await fetch(server.urlOf(scene.cameraId))).text();
    expect(secondBody).not.toBe(firstBody);
    expect(secondBody).toContain('12:00:12 MST');
  });

  it('answers 404 for a camera it does not know, and 405 for other methods', async () => {
    expect((await fetch(server.urlOf('cam-none'))).status).toBe(404);
    expect((await fetch(new URL('/elsewhere', server.urlOf(scene.cameraId)))).status).toBe(404);
    expect((await fetch(server.urlOf(scene.cameraId), { method: 'POST', body: 'x' })).status).toBe(405);
    expect(server.counts()).toMatchObject({ served: 2, notFound: 2 });
  });
});

describe('a simulated ONVIF device\'s still', () => {
  let fleet: OnvifDeviceFleet;
  let clock = AT;
  let row: CameraRow;

  beforeAll(async () => {
    const events = createCitySimulation({ seed: 3, startAt: AT, unitCount: 0, cameraCount: 60, callsPerMinute: 0 }).initialEvents();
    const camera = events.find(
      (event): event is CameraDiscovered => event.type === 'camera.discovered' && event.ptz && event.cameraSource === 'CITY_VMS' && event.snapshotUrl !== null,
    )!;
    const { eventId: _id, source: _source, occurredAt: _at, type: _type, ...rest } = camera;
    row = { ...rest, status: 'ONLINE' };
    fleet = createOnvifDeviceFleet({ cameras: [row], now: () => clock }, () => undefined);
    await fleet.listen();
  });
  afterAll(() => fleet?.close());

  const stillUrl = () => new URL(SNAPSHOT_PATH, fleet.configs()[0]!.deviceServiceUrl).href;

  it('is served by the device at the URL GetSnapshotUri gives, naming the camera, one image per second', async () => {
    const response = await fetch(stillUrl());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(SNAPSHOT_CONTENT_TYPE);
    const first = await response.text();
    expect(svgTexts(first).texts).toContain(row.name);
    clock = new Date(AT.getTime() + 3000);
    expect(await (await fetch(stillUrl())).text()).not.toBe(first);
  });
});

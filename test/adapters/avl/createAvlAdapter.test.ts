import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { type AvlAdapter, createAvlAdapter } from '../../../adapters/avl';
import { createRecordingSink, defineAdapterConformanceSuite } from '../../../adapters/conformance';
import { nmea, readReferenceLines, taip } from './avlFixtures';

const DEVICES: Record<string, string> = { 'modem-1': 'unit-01', 'modem-2': 'unit-02', T001: 'unit-03' };
const unitFor = (deviceId: string) => DEVICES[deviceId];
const now = () => new Date('2016-04-11T14:30:00Z');

function sendDatagram(port: number, payload: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.send(payload, port, '127.0.0.1', (error) => {
      socket.close();
      if (error) reject(error);
      else resolve();
    });
  });
}

/** The RMC sentences of the reference vehicle track, one second apart, with a modem id before each. */
const rmcLines = readReferenceLines('test.nmea').filter((line) => line.startsWith('$GPRMC')).slice(0, 12);

defineAdapterConformanceSuite('avl over UDP (NMEA 0183 and TAIP)', async () => {
  const adapter = createAvlAdapter({ name: 'avl-udp', unitFor, now, udpPort: 0 });
  return {
    adapter,
    send: async (raw) => {
      const port = adapter.addresses().udpPort;
      if (port === null) throw new Error('adapter not listening');
      await sendDatagram(port, raw);
    },
    valid: [...rmcLines.map((line) => `modem-1,${line}`), taip('RPV52150+3341520-1118315001200012;ID=T001')],
    invalid: [
      `modem-1,${rmcLines[0]!.replace(/\*[0-9A-F]{2}/, '*00')}`, // bad checksum
      'modem-1,$GPRMC,141917.00,A,6001.3', // truncated, no checksum
      `modem-9,${rmcLines[1]}`, // unknown device
      nmea('GPRMC,141917.00,A,9101.31475,N,03014.41166,E,0.1,,110416,,,A'), // latitude 91°
      '\u0000\u0001garbage',
      taip('RPV52150+3341520-1118315001200012;ID=T001').replace(/\*..</, '*00<'),
    ],
  };
});

describe('avl adapter transports', () => {
  let adapter: AvlAdapter;
  afterEach(() => adapter?.stop());

  it('takes the whole reference track over UDP, one datagram per epoch: 360 fixes, 360 rejected sensor lines', async () => {
    adapter = createAvlAdapter({ name: 'avl-udp', unitFor, now, udpPort: 0 });
    const sink = createRecordingSink();
    await adapter.start(sink);
    const epochs = readReferenceLines('test.nmea')
      .join('\n')
      .split(/(?=\$GSENSORD)/)
      .filter((chunk) => chunk.trim() !== '');
    for (const [i, epoch] of epochs.entries()) {
      await sendDatagram(adapter.addresses().udpPort!, epoch.replace(/\$GP/g, 'modem-2,$GP'));
      // Pace the burst a little, as 360 modems one second apart would.
      if (i % 50 === 49) await sink.until((s) => s.events.length >= i - 10);
    }
    await sink.until((s) => s.events.length + s.rejections.length >= 720);
    expect(sink.events).toHaveLength(360);
    expect(new Set(sink.events.map((event) => event.eventId)).size).toBe(360);
    expect(sink.rejections.map((rejection) => rejection.reason)).toEqual(Array(360).fill('missing-checksum'));
    expect(sink.events.every((event) => event.type === 'position.fix' && event.unitId === 'unit-02')).toBe(true);
  });

  it('takes a TCP line stream and keeps going after bad lines', async () => {
    adapter = createAvlAdapter({ name: 'avl-tcp', unitFor, now, udpPort: null, tcpPort: 0 });
    const sink = createRecordingSink();
    await adapter.start(sink);
    const stream = connect(adapter.addresses().tcpPort!, '127.0.0.1');
    await new Promise((resolve) => stream.once('connect', resolve));
    const lines = [...rmcLines.slice(0, 3).map((line) => `modem-1,${line}`), 'noise', `modem-1,${rmcLines[3]}`];
    stream.write(`${lines.join('\r\n')}\r\n`);
    await sink.until((s) => s.events.length >= 4 && s.rejections.length >= 1);
    expect(sink.rejections.map((rejection) => rejection.reason)).toEqual(['no-start']);
    expect(sink.rejections[0]?.raw).toMatch(/^tcp:127\.0\.0\.1:\d+,noise$/);
    stream.destroy();
  });

  it('replays a dead letter once the device has been assigned', async () => {
    const devices: Record<string, string> = {};
    adapter = createAvlAdapter({ name: 'avl-udp', unitFor: (id) => devices[id], now, udpPort: 0 });
    const sink = createRecordingSink();
    await adapter.start(sink);
    await sendDatagram(adapter.addresses().udpPort!, `modem-7,${rmcLines[0]}`);
    await sink.until((s) => s.rejections.length === 1);
    expect(sink.rejections[0]?.reason).toBe('unknown-device');
    devices['modem-7'] = 'unit-07';
    await adapter.replay(sink.rejections[0]!.raw);
    await sink.until((s) => s.events.length === 1);
    expect(sink.events[0]).toMatchObject({ type: 'position.fix', unitId: 'unit-07', deviceId: 'modem-7' });
  });
});

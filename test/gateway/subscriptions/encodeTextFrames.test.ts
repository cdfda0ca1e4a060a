import type { Writable } from 'node:stream';
import WebSocket from 'ws';
import { encodeTextFrames } from '../../../gateway/subscriptions/encodeTextFrames';

/** ws's frame parser (exported at run time, absent from @types/ws). */
const { Receiver } = WebSocket as unknown as { Receiver: new (options: { isServer: boolean }) => Writable };

/** Decodes frames with ws's own receiver, as a client would. */
function decode(bytes: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const received: string[] = [];
    // isServer false: frames from a server arrive unmasked, which the receiver then requires.
    const receiver = new Receiver({ isServer: false });
    receiver.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) reject(new Error('binary frame'));
      received.push(data.toString('utf8'));
    });
    receiver.on('error', reject);
    receiver.write(bytes, () => resolve(received));
  });
}

describe('encodeTextFrames', () => {
  it('encodes messages of every length class so that a WebSocket receiver reads them back', async () => {
    const messages = [
      '',
      '{"id":"1","type":"next","payload":{}}',
      'x'.repeat(125),
      'y'.repeat(126),
      'ü'.repeat(40_000), // 80,000 bytes: the 64-bit length form
      'z'.repeat(65_535),
    ];
    // Head, body and tail lengths are added up: split each message across the three.
    const tail = Buffer.from('!');
    const bytes = encodeTextFrames(
      messages.map((text) => ({ head: Buffer.from(text.slice(0, 3)), body: Buffer.from(text.slice(3)) })),
      tail,
    );
    expect(await decode(bytes)).toEqual(messages.map((text) => `${text}!`));
  });

  it('joins head, body and tail of each message in order', async () => {
    const head = Buffer.from('{"id":"a","type":"next","payload":');
    const tail = Buffer.from('}');
    const messages = [
      { head, body: Buffer.from('{"data":{"n":1}}') },
      { head: Buffer.alloc(0), body: Buffer.alloc(0) },
    ];
    expect(await decode(encodeTextFrames(messages, tail))).toEqual(['{"id":"a","type":"next","payload":{"data":{"n":1}}}', '}']);
  });
});

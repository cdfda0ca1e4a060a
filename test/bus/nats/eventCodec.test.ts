import { decodeEvent, encodeEvent, eventMessageId, eventSubject } from '../../../bus/nats/eventCodec';
import { unitEvent } from './unitEvent';

describe('event codec', () => {
  it('names the subject by event type and the message id by source and event id', () => {
    const event = unitEvent('cad-x', 'e-1');
    expect(eventSubject('rtcc.events', event)).toBe('rtcc.events.unit.statusChanged');
    expect(eventMessageId(event)).toBe('cad-x:e-1');
    expect(decodeEvent(encodeEvent(event))).toEqual({ ok: true, event });
  });

  it('rejects bodies that are not JSON domain events', () => {
    expect(decodeEvent(new Uint8Array([0xff, 0xfe]))).toMatchObject({ ok: false });
    expect(decodeEvent(new TextEncoder().encode('{"type":'))).toMatchObject({ ok: false });
    expect(decodeEvent(new TextEncoder().encode('{"type":"nope"}'))).toMatchObject({
      ok: false,
      detail: expect.stringContaining('unknown-type'),
    });
  });
});

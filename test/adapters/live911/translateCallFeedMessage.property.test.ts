import fc from 'fast-check';
import { CALL_FEED_MESSAGE_TYPES, type CallFeedTranslation, translateCallFeedMessage } from '../../../adapters/live911';
import { validateDomainEvent } from '../../../contract/validateDomainEvent';
import { mangledText, mutatedMessage } from './callFeedArbitraries';

/** Fixed seed: a failure reproduces on every run and every machine. */
const SEED = 20261123;
const RUNS = 400;

const translate = (raw: string) => translateCallFeedMessage(raw, { source: 'live911' });

/** Never throws (the call itself is the check); events pass the validator; failures say why, briefly. */
function expectWellFormed(translation: CallFeedTranslation): void {
  if (translation.ok) {
    const checked = validateDomainEvent(translation.event);
    expect(checked.ok ? 'valid' : checked.detail).toBe('valid');
    return;
  }
  expect(translation.reason).toMatch(/^[a-z]+(-[a-z]+)*$/);
  expect(translation.detail.length).toBeGreaterThan(0);
  expect(translation.detail.length).toBeLessThan(2000);
}

describe('translateCallFeedMessage, property-based', () => {
  it('never throws and always explains itself, whatever text arrives', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (raw) => expectWellFormed(translate(raw))),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('rejects any JSON that is not an object as not-an-object', () => {
    fc.assert(
      fc.property(fc.jsonValue().filter((value) => typeof value !== 'object' || value === null || Array.isArray(value)), (value) => {
        expect(translate(JSON.stringify(value))).toMatchObject({ ok: false, reason: 'not-an-object' });
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('handles good messages with a field replaced or removed: an event that passes the contract, or a reason', () => {
    fc.assert(fc.property(mutatedMessage, (raw) => expectWellFormed(translate(raw))), { seed: SEED, numRuns: RUNS });
  });

  it('handles good messages cut, spliced or corrupted', () => {
    fc.assert(fc.property(mangledText, (raw) => expectWellFormed(translate(raw))), { seed: SEED, numRuns: RUNS });
  });

  it('accepts every well-formed message, keeping its event id and time', () => {
    const wellFormed = fc.record({
      eventId: fc.string({ minLength: 1, maxLength: 20 }).filter((id) => id.trim() !== ''),
      type: fc.constantFrom(...CALL_FEED_MESSAGE_TYPES),
      callId: fc.stringMatching(/^[A-Za-z0-9-]{1,30}$/),
      at: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((date) => date.toISOString()),
      ani: fc.option(fc.stringMatching(/^\d{10}$/)),
      classOfService: fc.option(fc.constantFrom('WPH1', 'WPH2', 'VOIP', 'RESD', 'BUSN')),
      location: fc.record({
        lat: fc.double({ min: -90, max: 90, noNaN: true }),
        lon: fc.double({ min: -180, max: 180, noNaN: true }),
        uncertaintyMeters: fc.option(fc.double({ min: 0, max: 1e5, noNaN: true })),
      }),
    });
    fc.assert(
      fc.property(wellFormed, (message) => {
        const translation = translate(JSON.stringify(message));
        if (!translation.ok) throw new Error(`rejected (${translation.reason}): ${translation.detail}`);
        expectWellFormed(translation);
        expect(translation.event).toMatchObject({ eventId: message.eventId, occurredAt: message.at, callId: message.callId });
        expect(translation.event.type).toBe(message.type === 'ringing' ? 'call.received' : 'call.updated');
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

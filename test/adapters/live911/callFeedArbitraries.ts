import fc from 'fast-check';
import { CALL_FEED_MESSAGE_TYPES } from '../../../adapters/live911';
import { callStory, circle, civicOnly, feedMessage, pidf, point } from './callFeedFixtures';

/** Generators of feed messages a careless or hostile vendor might send. */

const FIELDS = ['eventId', 'type', 'callId', 'at', 'ani', 'classOfService', 'location'] as const;

/** Values a careless or hostile feed might put anywhere. */
const junk = fc.oneof(
  fc.jsonValue(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', 'null', 'RINGING', 'constructor', '__proto__', '2026-02-30T00:00:00Z', '2026-11-23T19:20:00', NaN),
  fc.double(),
);

/** Locations, good and bad, in both forms. */
const locations = fc.oneof(
  fc.record({ lat: fc.oneof(fc.double(), junk), lon: fc.oneof(fc.double(), junk) }, { requiredKeys: [] }),
  fc.record({
    lat: fc.double({ min: -90, max: 90, noNaN: true }),
    lon: fc.double({ min: -180, max: 180, noNaN: true }),
    uncertaintyMeters: fc.oneof(fc.double(), junk),
    address: junk,
  }),
  fc.record({
    pidfLo: fc.oneof(
      fc.constantFrom(civicOnly, pidf(point('33.4 -111.8')), '<presence>', pidf(circle('33.4 -111.8', '-5')), pidf(circle('91 0', '5'))),
      fc.string({ maxLength: 80 }).map((inner) => pidf(inner)),
      fc.string({ unit: 'binary', maxLength: 200 }),
      junk,
    ),
  }),
  junk,
);

/** A good message with one field replaced or removed, or with a strange location. */
export const mutatedMessage = fc.oneof(
  fc
    .tuple(fc.constantFrom(...CALL_FEED_MESSAGE_TYPES), fc.constantFrom(...FIELDS), junk, fc.boolean())
    .map(([type, field, value, remove]) => {
      const message = feedMessage({ type, location: { lat: 33.4, lon: -111.8 } });
      if (remove) delete message[field];
      else message[field] = value;
      return JSON.stringify(message);
    }),
  fc
    .tuple(fc.constantFrom(...CALL_FEED_MESSAGE_TYPES), locations)
    .map(([type, location]) => JSON.stringify(feedMessage({ type, location }))),
);

/** A good message's text, cut, spliced or with bytes flipped. */
export const mangledText = fc
  .tuple(fc.constantFrom(...callStory), fc.nat(), fc.nat(), fc.string({ unit: 'binary', maxLength: 8 }))
  .map(([raw, a, b, insert]) => {
    const [from, to] = [a % raw.length, b % raw.length].sort((x, y) => x - y) as [number, number];
    return raw.slice(0, from) + insert + raw.slice(to);
  });

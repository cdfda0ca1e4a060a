import fc from 'fast-check';
import { HubError } from '../../../../errors/hubErrors';
import { checkNote, validateFootageRequest } from '../../../../subgraphs/community/footage/validateFootageRequest';
import { HOSTILE_SEED, stringWithControl } from '../../../support/hostileInput';

const NOW = new Date('2026-11-23T18:00:00.000Z');
const LIMITS = { maxWindowMinutes: 120, maxAgeDays: 30 };
const MINUTE = 60_000;

describe('validateFootageRequest', () => {
  it('accepts exactly the windows that are ordered, short enough, past and recent enough', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50 * 24 * 60, max: 60 }), fc.integer({ min: -200, max: 200 }), (startOffset, length) => {
        const from = new Date(NOW.getTime() + startOffset * MINUTE);
        const to = new Date(from.getTime() + length * MINUTE);
        const valid = length > 0 && length <= 120 && to.getTime() <= NOW.getTime() && from.getTime() >= NOW.getTime() - 30 * 24 * 60 * MINUTE;
        let accepted = true;
        try {
          const checked = validateFootageRequest({ cameraIds: ['community:reg-1'], from, to }, NOW, LIMITS);
          expect(checked.from.getTime()).toBe(from.getTime());
          expect(checked.to.getTime()).toBe(to.getTime());
        } catch (error) {
          expect(error).toBeInstanceOf(HubError);
          expect((error as HubError).code).toBe('BAD_USER_INPUT');
          accepted = false;
        }
        expect(accepted).toBe(valid);
      }),
      { seed: HOSTILE_SEED, numRuns: 500 },
    );
  });

  it('refuses every message with a control character, and keeps every plain one', () => {
    fc.assert(
      fc.property(stringWithControl, (text) => {
        // TAB and LF may stand inside a message; leading and trailing ones are trimmed away.
        const kept = text.trim();
        if (kept === '') expect(checkNote(text, 'note')).toBeNull();
        // eslint-disable-next-line no-control-regex
        else if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(kept)) expect(() => checkNote(text, 'note')).toThrow(HubError);
        else expect(checkNote(text, 'note')).toBe(kept);
      }),
      { seed: HOSTILE_SEED, numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 1000 }), (text) => {
        // eslint-disable-next-line no-control-regex
        const plain = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
        expect(checkNote(plain, 'note')).toBe(plain.trim() === '' ? null : plain.trim());
      }),
      { seed: HOSTILE_SEED, numRuns: 300 },
    );
  });
});

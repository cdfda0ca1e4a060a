import fc from 'fast-check';
import { HubError } from '../../../errors/hubErrors';
import {
  LIMITS,
  type RegisterCameraInput,
  streamProtocolOf,
  validateNote,
  validateProfile,
  validateRegistration,
  validateTerms,
} from '../../../subgraphs/community/validateRegistration';
import { CONTROL_CHARACTERS, HOSTILE_SEED, hugeString, stringWithControl } from '../../support/hostileInput';

const VALID: RegisterCameraInput = {
  name: 'Corner store, rear',
  point: { lat: 33.415, lon: -111.83 },
  address: '20 E Main St',
  headingDegrees: 180,
  fieldOfViewDegrees: 90,
  rangeMeters: 60,
  level: 'INTEGRATED',
  streamUrl: 'https://cam.example.org/live.m3u8',
};

/** The argument a refusal names, or null when the input was accepted. */
function refusal(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    if (!(error instanceof HubError)) throw error;
    expect(error.code).toBe('BAD_USER_INPUT');
    return String(error.extensions.argument);
  }
}

describe('validateRegistration', () => {
  test('a valid registration is kept, trimmed, with default terms for its level', () => {
    const valid = validateRegistration({ ...VALID, name: '  Corner store  ' }, 30);
    expect(valid).toMatchObject({ name: 'Corner store', level: 'INTEGRATED', terms: { mode: 'ALWAYS', schedule: [], alarmMinutes: 30 } });
    expect(validateRegistration({ ...VALID, level: 'REGISTERED', streamUrl: null }, 30).terms.mode).toBe('NEVER');
  });

  test.each<[string, Partial<RegisterCameraInput> & Record<string, unknown>, string]>([
    ['an empty name', { name: '   ' }, 'input.name'],
    ['a name with a NUL', { name: 'a\u0000b' }, 'input.name'],
    ['a name with a newline', { name: 'a\nb' }, 'input.name'],
    ['a name with a bidi override', { name: 'shop\u202egnp.exe' }, 'input.name'],
    ['a name with a zero-width space', { name: 'sh\u200bop' }, 'input.name'],
    ['a huge name', { name: 'x'.repeat(LIMITS.name + 1) }, 'input.name'],
    ['a huge address', { address: 'x'.repeat(LIMITS.address + 1) }, 'input.address'],
    ['latitude 91', { point: { lat: 91, lon: 0 } }, 'input.point.lat'],
    ['latitude NaN', { point: { lat: Number.NaN, lon: 0 } }, 'input.point.lat'],
    ['longitude -180.5', { point: { lat: 0, lon: -180.5 } }, 'input.point.lon'],
    ['longitude Infinity', { point: { lat: 0, lon: Number.POSITIVE_INFINITY } }, 'input.point.lon'],
    ['heading -1', { headingDegrees: -1 }, 'input.headingDegrees'],
    ['heading 361', { headingDegrees: 361 }, 'input.headingDegrees'],
    ['field of view 0', { fieldOfViewDegrees: 0 }, 'input.fieldOfViewDegrees'],
    ['field of view 0.5', { fieldOfViewDegrees: 0.5 }, 'input.fieldOfViewDegrees'],
    ['field of view 400', { fieldOfViewDegrees: 400 }, 'input.fieldOfViewDegrees'],
    ['range 0', { rangeMeters: 0 }, 'input.rangeMeters'],
    ['range 5001', { rangeMeters: 5001 }, 'input.rangeMeters'],
    ['level CITY', { level: 'CITY' }, 'input.level'],
    ['an unknown level', { level: 'SUPER' }, 'input.level'],
    ['INTEGRATED without a URL', { streamUrl: null }, 'input.streamUrl'],
    ['an rtsp URL', { streamUrl: 'rtsp://cam.example.org/live' }, 'input.streamUrl'],
    ['a javascript URL', { streamUrl: 'javascript:alert(1)' }, 'input.streamUrl'],
    ['a file URL', { snapshotUrl: 'file:///etc/passwd' }, 'input.snapshotUrl'],
    ['a relative URL', { streamUrl: '/live.mjpg' }, 'input.streamUrl'],
    ['a URL with a space', { streamUrl: 'http://cam.example.org/a b' }, 'input.streamUrl'],
    ['a URL with a CR LF', { streamUrl: 'http://cam.example.org/\r\nHost: evil' }, 'input.streamUrl'],
    ['a URL over 2048 characters', { streamUrl: `http://cam.example.org/${'a'.repeat(2048)}` }, 'input.streamUrl'],
    ['a schedule window at 24:00', { terms: { mode: 'SCHEDULE', schedule: [{ day: 'MONDAY', from: '09:00', to: '24:00' }] } }, 'input.terms.schedule[0].to'],
  ])('refuses %s', (_, change, argument) => {
    expect(refusal(() => validateRegistration({ ...VALID, ...change } as RegisterCameraInput, 30))).toBe(argument);
  });

  test('every control character in any text field is refused, naming the field', () => {
    for (const control of CONTROL_CHARACTERS) {
      expect(refusal(() => validateRegistration({ ...VALID, name: `a${control}b` }, 30))).toBe('input.name');
      expect(refusal(() => validateRegistration({ ...VALID, address: `${control}` }, 30))).toBe('input.address');
    }
  });

  test('property: hostile names and huge URLs are refused, never thrown as anything but BAD_USER_INPUT', () => {
    fc.assert(
      fc.property(fc.oneof(stringWithControl, hugeString), (text) => {
        expect(refusal(() => validateRegistration({ ...VALID, name: text }, 30))).toBe('input.name');
        expect(refusal(() => validateRegistration({ ...VALID, streamUrl: `http://x.example/${text}` }, 30))).toBe('input.streamUrl');
      }),
      { seed: HOSTILE_SEED, numRuns: 100 },
    );
  });

  test('the stream protocol is read from the URL', () => {
    expect(streamProtocolOf('https://cam.example.org/live.m3u8')).toBe('HLS');
    expect(streamProtocolOf('http://cam.example.org/video.mjpg')).toBe('MJPEG');
    expect(streamProtocolOf('http://cam.example.org/cgi?action=mjpeg')).toBe('MJPEG');
    expect(streamProtocolOf('http://cam.example.org/still.jpg')).toBe('HTTP');
  });
});

describe('validateTerms', () => {
  const window = (day: string, from: string, to: string) => ({ day, from, to });

  test('a schedule of up to 28 windows, alarm minutes 1 to 1440', () => {
    const days = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
    const schedule = Array.from({ length: 28 }, (_, i) => window(days[i % 7] as string, `${String(Math.floor(i / 7) * 6).padStart(2, '0')}:00`, `${String(Math.floor(i / 7) * 6).padStart(2, '0')}:30`));
    expect(validateTerms({ mode: 'SCHEDULE', schedule }, 30).schedule).toHaveLength(28);
    expect(validateTerms({ mode: 'ALARM', alarmMinutes: 1 }, 30).alarmMinutes).toBe(1);
    expect(validateTerms({ mode: 'ALARM', alarmMinutes: 1440 }, 30).alarmMinutes).toBe(1440);
    expect(validateTerms({ mode: 'ALARM' }, 45).alarmMinutes).toBe(45);
  });

  test.each<[string, Parameters<typeof validateTerms>[0], string]>([
    ['an unknown mode', { mode: 'SOMETIMES' }, 'terms.mode'],
    ['SCHEDULE without windows', { mode: 'SCHEDULE', schedule: [] }, 'terms.schedule'],
    ['29 windows', { mode: 'SCHEDULE', schedule: Array.from({ length: 29 }, (_, i) => window('MONDAY', `${String(i % 24).padStart(2, '0')}:00`, '23:59')) }, 'terms.schedule'],
    ['a repeated window', { mode: 'SCHEDULE', schedule: [window('MONDAY', '09:00', '17:00'), window('MONDAY', '09:00', '17:00')] }, 'terms.schedule[1]'],
    ['an unknown day', { mode: 'SCHEDULE', schedule: [window('FUNDAY', '09:00', '17:00')] }, 'terms.schedule[0].day'],
    ['a time 25:00', { mode: 'SCHEDULE', schedule: [window('MONDAY', '25:00', '17:00')] }, 'terms.schedule[0].from'],
    ['a time 9:00', { mode: 'SCHEDULE', schedule: [window('MONDAY', '9:00', '17:00')] }, 'terms.schedule[0].from'],
    ['a time with a NUL', { mode: 'SCHEDULE', schedule: [window('MONDAY', '09:00', '17:0\u0000')] }, 'terms.schedule[0].to'],
    ['alarm minutes 0', { mode: 'ALARM', alarmMinutes: 0 }, 'terms.alarmMinutes'],
    ['alarm minutes 1441', { mode: 'ALARM', alarmMinutes: 1441 }, 'terms.alarmMinutes'],
    ['alarm minutes 1.5', { mode: 'ALARM', alarmMinutes: 1.5 }, 'terms.alarmMinutes'],
  ])('refuses %s', (_, input, argument) => {
    expect(refusal(() => validateTerms(input, 30))).toBe(argument);
  });
});

describe('validateProfile', () => {
  test('notifyBy follows what was given', () => {
    expect(validateProfile({ displayName: 'Ada', email: 'ada@example.org' }).notifyBy).toBe('EMAIL');
    expect(validateProfile({ displayName: 'Ada', phone: '+1 480 555 0142' }).notifyBy).toBe('SMS');
    expect(validateProfile({ displayName: 'Ada' }).notifyBy).toBe('NONE');
  });

  test.each<[string, Parameters<typeof validateProfile>[0], string]>([
    ['no display name', { displayName: '' }, 'input.displayName'],
    ['a display name with a tab', { displayName: 'A\tda' }, 'input.displayName'],
    ['an email without @', { displayName: 'A', email: 'ada.example.org' }, 'input.email'],
    ['an email with a newline', { displayName: 'A', email: 'ada@example.org\nBcc: x@y.z' }, 'input.email'],
    ['a phone with letters', { displayName: 'A', phone: '480-CALL-NOW' }, 'input.phone'],
    ['a phone of 3 digits', { displayName: 'A', phone: '911' }, 'input.phone'],
    ['a phone of 20 digits', { displayName: 'A', phone: '12345678901234567890' }, 'input.phone'],
    ['EMAIL without an email', { displayName: 'A', phone: '4805550142', notifyBy: 'EMAIL' }, 'input.notifyBy'],
    ['SMS without a phone', { displayName: 'A', notifyBy: 'SMS' }, 'input.notifyBy'],
  ])('refuses %s', (_, input, argument) => {
    expect(refusal(() => validateProfile(input))).toBe(argument);
  });
});

describe('validateNote', () => {
  test('a note may hold line breaks but no other control, and is bounded', () => {
    expect(validateNote('Line one\nLine two')).toBe('Line one\nLine two');
    expect(validateNote('   ')).toBeNull();
    expect(refusal(() => validateNote('a\u0007b'))).toBe('note');
    expect(refusal(() => validateNote('x'.repeat(LIMITS.note + 1)))).toBe('note');
  });
});

import { translateCallFeedMessage } from '../../../adapters/live911';
import { validateDomainEvent } from '../../../contract/validateDomainEvent';
import { feedJson } from './callFeedFixtures';

const translate = (fields: Record<string, unknown>) => translateCallFeedMessage(feedJson(fields), { source: 'live911' });

function eventOf(fields: Record<string, unknown>) {
  const translation = translate(fields);
  if (!translation.ok) throw new Error(`rejected (${translation.reason}): ${translation.detail}`);
  expect(validateDomainEvent(translation.event)).toEqual({ ok: true, event: translation.event });
  return translation.event;
}

describe('call feed: the caller name, caller address and audio URL (restricted, optional)', () => {
  it('ringing carries them into call.received', () => {
    const event = eventOf({
      callerName: 'Maria Garcia',
      callerAddress: '123 N Center St, Mesa, AZ 85201',
      audioUrl: 'rtsp://recorder.psap.example:554/calls/0042',
    });
    expect(event).toMatchObject({
      type: 'call.received',
      callbackNumber: '4805550123',
      callerName: 'Maria Garcia',
      callerAddress: '123 N Center St, Mesa, AZ 85201',
      audioUrl: 'rtsp://recorder.psap.example:554/calls/0042',
    });
  });

  it('a feed that sends none of them yields events without them, as before', () => {
    const event = eventOf({});
    expect(event).not.toHaveProperty('callerName');
    expect(event).not.toHaveProperty('callerAddress');
    expect(event).not.toHaveProperty('audioUrl');
  });

  it('on other message types a present field replaces the value, null or blank clears it, absent leaves it', () => {
    const answered = eventOf({ type: 'answered', audioUrl: 'https://recorder.psap.example/calls/0042.m3u8', callerName: null, callerAddress: '  ' });
    expect(answered).toMatchObject({
      type: 'call.updated',
      state: 'ACTIVE',
      audioUrl: 'https://recorder.psap.example/calls/0042.m3u8',
      callerName: null,
      callerAddress: null,
    });
    expect(eventOf({ type: 'held' })).not.toHaveProperty('audioUrl');
  });

  it.each([
    ['sip', 'sip:recording-0042@recorder.psap.example'],
    ['wss', 'wss://recorder.psap.example/live/0042'],
    ['https', 'https://recorder.psap.example/calls/0042.wav'],
  ])('accepts a %s audio URL', (_scheme, audioUrl) => {
    expect(eventOf({ type: 'answered', audioUrl })).toMatchObject({ audioUrl });
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a name that is not a string', { callerName: 42 }, 'bad-field', /callerName: expected a string or null, got 42/],
    ['a name with a line break', { callerName: 'Maria\nGarcia' }, 'bad-caller-name', /callerName: expected one line/],
    ['a name of 201 characters', { callerName: 'x'.repeat(201) }, 'bad-caller-name', /at most 200/],
    ['an address that is an object', { callerAddress: { street: 'Main' } }, 'bad-field', /callerAddress: expected a string or null, got an object/],
    ['an address with a control character', { callerAddress: '20 Main St\u0007' }, 'bad-caller-address', /callerAddress/],
    ['an audio URL that is not a URL', { audioUrl: 'recording 42' }, 'bad-audio-url', /audioUrl: expected an http\(s\), rtsp\(s\), ws\(s\) or sip\(s\) URL/],
    ['an audio URL with a scheme a player cannot open', { audioUrl: 'file:///var/rec/0042.wav' }, 'bad-audio-url', /audioUrl/],
    ['an audio URL on an update', { type: 'answered', audioUrl: 'javascript:alert(1)' }, 'bad-audio-url', /audioUrl/],
  ])('rejects %s with a reason', (_name, fields, reason, detail) => {
    const translation = translate(fields);
    expect(translation).toMatchObject({ ok: false, reason });
    if (!translation.ok) expect(translation.detail).toMatch(detail);
  });
});

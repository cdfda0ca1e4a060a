import { type NatsBusOptions, resolveNatsBusOptions } from '../../../bus/nats/natsBusOptions';

describe('resolveNatsBusOptions', () => {
  it('applies defaults and refuses malformed options', () => {
    expect(resolveNatsBusOptions({ url: 'nats://a:4222, nats://b:4222' })).toEqual({
      servers: ['nats://a:4222', 'nats://b:4222'],
      stream: 'RTCC_EVENTS',
      subjectPrefix: 'rtcc.events',
      duplicateWindowMs: 120_000,
      maxAgeMs: 86_400_000,
      name: 'rtcc-hub',
    });
    const bad: NatsBusOptions[] = [
      { url: '' },
      { url: 'nats://a', stream: 'RTCC.EVENTS' },
      { url: 'nats://a', subjectPrefix: 'rtcc.>' },
      { url: 'nats://a', maxAgeMs: 0 },
      { url: 'nats://a', duplicateWindowMs: 60_000, maxAgeMs: 1_000 },
    ];
    for (const options of bad) {
      expect(() => resolveNatsBusOptions(options)).toThrow(expect.objectContaining({ code: 'BAD_OPTIONS' }));
    }
  });
});

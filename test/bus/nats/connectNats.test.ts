import { redactUrl } from '../../../bus/nats/connectNats';

describe('redactUrl', () => {
  it('drops user and password from a server URL and leaves others alone', () => {
    expect(redactUrl('nats://user:secret@nats.example:4222')).toBe('nats://nats.example:4222');
    expect(redactUrl('nats://token@127.0.0.1:4222')).toBe('nats://127.0.0.1:4222');
    expect(redactUrl('nats://127.0.0.1:4222')).toBe('nats://127.0.0.1:4222');
  });
});

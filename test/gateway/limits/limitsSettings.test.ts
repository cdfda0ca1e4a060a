import { readHubConfig } from '../../../config/hubConfig';

describe('limits settings', () => {
  it('default to 32 KiB documents, depth 12, cost 5000, no introspection (with a real issuer), no allow-list, 600 operations a minute', () => {
    expect(readHubConfig({ AUTH_ISSUER: 'https://login.example.gov/realms/pd' })).toMatchObject({
      limitDocumentBytes: 32_768,
      limitMaxDepth: 12,
      limitMaxCost: 5000,
      limitDefaultListSize: 10,
      introspectionEnabled: false,
      persistedOperationsFile: undefined,
      rateLimitPerMinute: 600,
      rateLimitBurst: 100,
    });
  });

  it('read the environment; 0 a minute turns rate limiting off, a depth of 0 is refused', () => {
    const config = readHubConfig({ INTROSPECTION_ENABLED: 'true', RATE_LIMIT_PER_MINUTE: '0', PERSISTED_OPERATIONS_FILE: 'ops.json' });
    expect(config).toMatchObject({ introspectionEnabled: true, rateLimitPerMinute: 0, persistedOperationsFile: 'ops.json' });
    expect(() => readHubConfig({ LIMIT_MAX_DEPTH: '0' })).toThrow(/LIMIT_MAX_DEPTH="0"/);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HUB_SETTINGS, readHubConfig } from '../../config/hubConfig';

describe('hub configuration', () => {
  it('has a default for every setting that needs one', () => {
    const config = readHubConfig({});
    expect(config).toMatchObject({ gatewayPort: 4000, host: '127.0.0.1', simulator: true, nearbyCamerasLimit: 4 });
    expect(config.databaseUrl).toBeUndefined();
  });

  it('keeps the embedded database on disk by default, in memory only when asked', () => {
    expect(readHubConfig({}).pgliteDataDir).toBe('.rtcc/data');
    expect(readHubConfig({ PGLITE_DATA_DIR: 'memory' }).pgliteDataDir).toBeUndefined();
    expect(readHubConfig({ PGLITE_DATA_DIR: 'MEMORY' }).pgliteDataDir).toBeUndefined();
    expect(readHubConfig({ PGLITE_DATA_DIR: '/var/lib/rtcc' }).pgliteDataDir).toBe('/var/lib/rtcc');
  });

  it('reads values from the environment', () => {
    const config = readHubConfig({ PORT: '8080', SIM_ENABLED: 'false', NEARBY_UNITS_RADIUS_METERS: '2500.5' });
    expect(config).toMatchObject({ gatewayPort: 8080, simulator: false, nearbyUnitsRadiusMeters: 2500.5 });
  });

  it('rejects bad values, naming every one of them', () => {
    expect(() => readHubConfig({ PORT: 'eighty', SIM_UNITS: '0', LOG_LEVEL: 'loud', DATABASE_SCHEMA_PREFIX: 'A-b' })).toThrow(
      /PORT="eighty"[^\n]*\n\s+DATABASE_SCHEMA_PREFIX="A-b"[^\n]*\n\s+SIM_UNITS="0"[^\n]*\n\s+LOG_LEVEL="loud"/,
    );
  });

  it('is documented: the README configuration table lists every setting with its default', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const setting of Object.values(HUB_SETTINGS)) {
      const shownDefault = setting.defaultValue === undefined ? '(unset)' : `\`${setting.defaultValue}\``;
      expect(readme).toContain(`| \`${setting.name}\` | ${shownDefault} |`);
    }
  });
});

import pino from 'pino';
import type { EidoHttpAdapter } from '../../adapters/eido-http';
import { type ConfiguredHub, createConfiguredHub } from '../../hub/createConfiguredHub';
import { readHubConfig } from '../../config/hubConfig';
import type { AuditSubgraph } from '../../subgraphs/audit';
import { eventually } from '../support/subscribeThroughGateway';
import { CITY_FREE_PORTS } from '../support/startTestHub';

/**
 * `npm start`'s defaults still work now that the EIDO endpoint authenticates its senders: the
 * hub hands the simulated CAD a per-process source secret that its EIDO adapter accepts, while a
 * POST without credentials is refused and audited.
 */
// Embedded storage only: the simulated city runs on what `npm start` runs on.
describe('the simulated city’s CAD authenticates to the EIDO endpoint (protocol mode)', () => {
  let configured: ConfiguredHub | undefined;
  afterAll(() => configured?.close());

  it('accepts the source secret the hub hands the simulated CAD and refuses an unauthenticated POST', async () => {
    const config = readHubConfig({
      ...CITY_FREE_PORTS,
      PGLITE_DATA_DIR: 'memory',
      AUTH_DEV_KEY_FILE: 'memory',
      SIM_MODE: 'protocols',
      SIM_UNITS: '10',
      SIM_CAMERAS: '20',
      SIM_ONVIF_CAMERAS: '0',
      SIM_CALLS_PER_MINUTE: '600',
      SIM_TICK_MS: '100',
      LOG_LEVEL: 'silent',
    });
    configured = await createConfiguredHub({ config, logger: pino({ level: 'silent' }) });
    const eido = configured.adapters.find((adapter) => adapter.name === 'eido-http') as EidoHttpAdapter;
    // The credential the city's CAD posts with (its first incident comes a simulated minute or so in).
    const secrets = [...(configured.city?.eidoSourceSecrets ?? [])];
    expect(secrets).toHaveLength(1);
    const [[source, secret]] = secrets as [[string, string]];
    const document = {
      $id: 'urn:emergency:uid:incidentid:sim-credential:cad.sim.invalid',
      lastUpdateTimeStamp: new Date().toISOString(),
      incidentComponent: { $id: 'ic', incidentTypeCommonRegistryText: 'ROBBERY', internalIncidentId: 'SIM-CREDENTIAL', locationReference: [{ $ref: 'loc' }] },
      locationComponent: [
        {
          $id: 'loc',
          locationByValue:
            '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" xmlns:gml="http://www.opengis.net/gml" entity="pres:x@y"><tuple id="t"><status><gp:geopriv><gp:location-info><gml:Point><gml:pos>33.4152 -111.8315</gml:pos></gml:Point></gp:location-info></gp:geopriv></status></tuple></presence>',
        },
      ],
    };
    const authorization = `Basic ${Buffer.from(`${source}:${secret}`).toString('base64')}`;
    const accepted = await fetch(eido.url(), { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(document) });
    expect(accepted.status).toBe(202);
    await eventually(async () => eido.status().accepted > 0, 5_000, 'the simulated CAD’s EIDO accepted');

    const refused = await fetch(eido.url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
    expect(refused.status).toBe(401);
    const { auditLog } = configured.hub.subgraphs.audit.subgraph as AuditSubgraph;
    const records = (await auditLog.list({ kinds: ['ingest-refused'] }, 100)).edges.map((edge) => edge.node);
    // Only the test's unauthenticated POST was refused.
    expect(records.map((record) => (record.details as { count: number }).count)).toEqual([1]);
    expect(configured.hub.sink.stats().bySource['eido-http']?.accepted).toBeGreaterThan(0);
  }, 30_000);
});

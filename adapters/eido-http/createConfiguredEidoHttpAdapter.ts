import { readFileSync } from 'node:fs';
import { parseSourceSecrets } from '../../config/parseSourceSecrets';
import type { AdapterFactoryContext } from '../adapterFactoryContext';
import { createApcoIncidentCodeTable, parseIncidentCodeTable } from '../eido';
import { type EidoHttpAdapter, createEidoHttpAdapter } from './createEidoHttpAdapter';

/**
 * The registry's `eido-http`: EIDO POSTed to EIDO_HTTP_PORT (and EIDO_POLL_URL polled), codes read
 * with EIDO_CODE_TABLE or the APCO table, senders authenticated by bearer token or source secret
 * (EIDO_SOURCE_SECRETS and the supplied ones). Null when EIDO_HTTP_PORT is `off`.
 */
export function createConfiguredEidoHttpAdapter({ config, lookups, now, logger, supplied }: AdapterFactoryContext): EidoHttpAdapter | null {
  if (config.eidoHttpPort === null) return null;
  const codeTable = config.eidoCodeTable ? parseIncidentCodeTable(readFileSync(config.eidoCodeTable, 'utf8')) : createApcoIncidentCodeTable();
  return createEidoHttpAdapter({
    name: 'eido-http',
    host: config.host,
    port: config.eidoHttpPort,
    pollUrl: config.eidoPollUrl ?? null,
    pollIntervalMs: config.eidoPollIntervalMs,
    ...(config.eidoPollAuthorization ? { pollHeaders: { authorization: config.eidoPollAuthorization } } : {}),
    codeTable,
    now,
    bodyLimitBytes: config.eidoBodyLimitBytes,
    maxDocumentsPerRequest: config.eidoMaxDocumentsPerRequest,
    maxJsonDepth: config.eidoMaxJsonDepth,
    // A POST needs a bearer token of role adapter or a source secret (the configured ones and the supplied ones).
    authentication: {
      verifyBearer: lookups.verifyIngestToken,
      sourceSecrets: new Map([...(config.eidoSourceSecrets ? parseSourceSecrets(config.eidoSourceSecrets) : []), ...(supplied.eidoSourceSecrets ?? [])]),
    },
    audit: lookups.auditLog,
    onError: (error, { during }) => logger?.error({ err: error, during }, 'EIDO adapter failure'),
  });
}

import type { Logger } from 'pino';
import type { BearerVerdict, VerifyBearer } from '../adapters/eido-http';
import type { AuditLog } from '../audit';
import type { DevIssuerKeys } from './createHubAuth';
import { auditRecordOfAuthentication, createHubAuthenticator } from './createHubAuth';
import type { HubConfig } from '../config/hubConfig';

/**
 * How ingest endpoints verify a vendor system's bearer token: with an authenticator configured
 * as the gateway's (the same issuer, audience, roles claim and lock-out), whose logons are
 * audited. Failed attempts are not audited one by one here: the adapter that refuses the
 * request audits its refusals per address and minute (`ingest-refused`), so that a flood of
 * forged tokens cannot become a flood of audit records.
 */
export async function createIngestTokenCheck(options: {
  readonly config: HubConfig;
  readonly logger: Logger;
  readonly devIssuer: DevIssuerKeys | undefined;
  readonly auditLog: Pick<AuditLog, 'append'>;
}): Promise<VerifyBearer> {
  const { config, logger, devIssuer, auditLog } = options;
  const log = logger.child({ component: 'ingest-auth' });
  const authenticator = await createHubAuthenticator(config, log, {
    devIssuer,
    onEvent: (event) => {
      // Refusals of every kind (failed logons, no token, their summaries) are the adapter's to audit.
      if (event.kind !== 'logon' && event.kind !== 'permission-change') return;
      auditLog.append(auditRecordOfAuthentication(event)).catch((error: unknown) => log.error({ err: error }, 'audit record of an ingest logon could not be written'));
    },
  });
  return async (authorization, clientAddress): Promise<BearerVerdict> => {
    try {
      const identity = await authenticator.authenticate(authorization, clientAddress);
      return { ok: true, subject: identity.subject, roles: identity.roles };
    } catch (error) {
      const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
      if (code === 'LOCKED_OUT') return { ok: false, status: 429, reason: (error as Error).message };
      if (code === 'UNAUTHENTICATED') return { ok: false, status: 401, reason: (error as Error).message };
      throw error;
    }
  };
}

/**
 * What the composition root gives a registered adapter's factory: the hub's settings, the lookups
 * adapters consult at the edge, the clock and the logger, and vendor endpoints supplied besides
 * the settings (the simulated city's).
 */
import type { Logger } from 'pino';
import type { AuditRecordInput } from '../audit/auditRecord';
import type { HubConfig } from '../config/hubConfig';
import type { AdapterRegistry } from './adapterRegistry';
import type { VerifyBearer } from './eido-http';
import type { OnvifDeviceConfig } from './onvif-device';

/** What adapters may consult while translating; the hub's lookups (`hub/createHub`) provide it. */
export interface AdapterContextLookups {
  /** AVL device → unit. */
  readonly devices: { unitFor(deviceId: string): string | undefined };
  /** The audit trail, for input refused at the door (`ingest-refused`). */
  readonly auditLog: { append(record: AuditRecordInput): Promise<unknown> };
  /** Verifies a vendor system's bearer token as the gateway would (issuer, audience, lock-out); logons audited. */
  readonly verifyIngestToken: VerifyBearer;
}

/** Vendor endpoints supplied besides the settings: in `npm start`, the simulated city's (protocol mode). */
export interface SuppliedVendors {
  /** The call feed for `live911`, in place of CALL_FEED_URL. */
  readonly callFeedUrl?: string | undefined;
  /** ONVIF devices for `onvif`, besides ONVIF_DEVICES_FILE's. */
  readonly onvifDevices?: readonly OnvifDeviceConfig[] | undefined;
  /** EIDO source secrets for `eido-http`, besides EIDO_SOURCE_SECRETS (the simulated CAD's). */
  readonly eidoSourceSecrets?: ReadonlyMap<string, string> | undefined;
  /** Camera CSV files for `camera-csv` to watch. */
  readonly cameraCsvFiles?: readonly string[] | undefined;
}

export interface AdapterFactoryContext {
  readonly config: HubConfig;
  readonly lookups: AdapterContextLookups;
  /** The adapters' clock. */
  readonly now: () => Date;
  readonly logger?: Logger | undefined;
  readonly supplied: SuppliedVendors;
}

/** The registry the hub picks its adapters from (ADAPTERS). */
export type HubAdapterRegistry = AdapterRegistry<AdapterFactoryContext>;

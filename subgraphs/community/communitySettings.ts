import type { FootageSettings } from './footage';

/** The community subgraph's settings, from the hub's (config/hubConfig.ts, "Community Connect (#13)"). */
export interface CommunitySettings {
  /** COMMUNITY_LINK_SECRET; null: random per process. */
  readonly linkSecret: string | null;
  /** COMMUNITY_LINK_TTL_SECONDS: how long a signed live-video link works. */
  readonly linkTtlSeconds: number;
  /** HUB_PUBLIC_URL without a trailing slash; null: links and webhook URLs are root-relative. */
  readonly publicUrl: string | null;
  /** AGENCY_TIME_ZONE: the zone weekly schedules are read in. */
  readonly timeZone: string;
  /** COMMUNITY_ALARM_MINUTES: the default of a camera's alarm minutes. */
  readonly alarmMinutes: number;
  /** COMMUNITY_ACCESS_SWEEP_MS: how often clock-driven access changes (and footage expiry) are looked for. */
  readonly sweepMs: number;
  /** COMMUNITY_RELAY_PRIVATE_ADDRESSES resolved: whether the relay may fetch from private, loopback or link-local addresses. */
  readonly relayPrivateAddresses: boolean;
  /** How long the relay waits for an owner's camera to answer with headers, ms (default 10 000). */
  readonly relayTimeoutMs?: number;
  /** The footage desk's limits (COMMUNITY_FOOTAGE_*); its time zone and owner page come from the settings above. */
  readonly footage: Omit<FootageSettings, 'timeZone' | 'ownerPageUrl'>;
}

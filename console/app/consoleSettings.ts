/**
 * What the hub tells the console at `/console/config.json`: the settings the page needs before
 * it signs in. The node side (serveConsole) writes it; the page reads it once at start.
 */
export interface ConsoleSettings {
  /** Where GraphQL is served (HTTP POST; WebSocket upgrades on the same path). */
  readonly graphqlPath: string;
  /** The MapLibre style of the basemap: the hub's own street grid or the agency's tiles. */
  readonly basemapStyleUrl: string;
  /** Map centre and bounds of the city, [west, south, east, north]. */
  readonly centre: { readonly lat: number; readonly lon: number };
  readonly bounds: readonly [number, number, number, number];
  /** Camera tiles docked beside a selected call or incident, and how far to look for them. */
  readonly dockedCameras: number;
  readonly cameraRadiusMeters: number;
  /** How long the hub's signed links to community cameras' video work (COMMUNITY_LINK_TTL_SECONDS): tiles renew theirs in time. */
  readonly communityLinkTtlSeconds: number;
  /** The hub's scopes of each role (auth/roles.ts): what the pages offer a token's roles (the hub checks every request). */
  readonly roleScopes: Readonly<Record<string, readonly string[]>>;
  /** `development`: pick a role and get a token from `devTokenPath`; `oidc`: authorization code with PKCE. */
  readonly auth:
    | { readonly mode: 'development'; readonly devTokenPath: string; readonly roles: readonly string[]; readonly rolesClaim: string }
    | { readonly mode: 'oidc'; readonly issuer: string; readonly clientId: string; readonly audience: string; readonly rolesClaim: string };
}

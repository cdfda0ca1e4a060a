/** What the explorer page is told by the hub that serves it (a JSON script in the page). No implementation here. */
export interface ExplorerSettings {
  /** Path of the GraphQL endpoint on the page's origin (HTTP and WebSocket). */
  readonly graphqlPath: string;
  /** Path of the page's bundles (the Monaco workers among them). */
  readonly assetsPath: string;
  /** The development sign-in (`POST <devTokenPath>`), while the hub is its own issuer; null otherwise. */
  readonly devSignIn: { readonly tokenPath: string; readonly rolesPath: string } | null;
}

/** The id of the page's settings script. */
export const EXPLORER_SETTINGS_ID = 'explorer-settings';

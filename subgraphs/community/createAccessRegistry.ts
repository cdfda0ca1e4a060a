/**
 * What this process has handed out for each community camera: the signed media links not yet
 * expired, and the relays streaming through them now, so that a withdrawal can count the links
 * it revokes and cut the open streams at once. In memory: each replica knows its own (a link
 * another replica issued is refused there by the terms check at the moment of use).
 */
export interface AccessRegistry {
  /** Notes a link issued for `cameraId`, valid until `expiresAt`. */
  noteIssued(cameraId: string, linkId: string, expiresAt: Date): void;
  /** Registers an open relay; `cut` ends it. Close the handle when the relay ends by itself. */
  openRelay(cameraId: string, linkId: string, cut: (reason: string) => void): { close(): void };
  /** How many relays are open, across cameras. */
  readonly openRelays: number;
  /** Cuts every open relay of the camera and forgets its links; resolves how many distinct links that revoked. */
  revoke(cameraId: string, reason: string): number;
  /** Cuts every open relay (the subgraph closes). */
  cutAll(reason: string): void;
}

interface Relay {
  readonly linkId: string;
  readonly cut: (reason: string) => void;
}

/** Most unexpired links remembered per camera: a flood of queries must not grow memory without bound. */
const MAX_LINKS_PER_CAMERA = 10_000;

export function createAccessRegistry(now: () => Date): AccessRegistry {
  const issued = new Map<string, Map<string, number>>();
  const relays = new Map<string, Set<Relay>>();
  let open = 0;
  const prune = (links: Map<string, number>) => {
    const t = now().getTime();
    for (const [id, expiry] of links) if (expiry <= t) links.delete(id);
  };
  return {
    noteIssued(cameraId, linkId, expiresAt) {
      let links = issued.get(cameraId);
      if (!links) issued.set(cameraId, (links = new Map()));
      if (links.size >= MAX_LINKS_PER_CAMERA) prune(links);
      // Still full of live links: forget the oldest (insertion order); it is refused all the same once sharing ends.
      if (links.size >= MAX_LINKS_PER_CAMERA) links.delete(links.keys().next().value as string);
      links.set(linkId, expiresAt.getTime());
    },
    openRelay(cameraId, linkId, cut) {
      let set = relays.get(cameraId);
      if (!set) relays.set(cameraId, (set = new Set()));
      const relay: Relay = { linkId, cut };
      set.add(relay);
      open += 1;
      let closed = false;
      return {
        close() {
          if (closed) return;
          closed = true;
          open -= 1;
          const current = relays.get(cameraId);
          current?.delete(relay);
          if (current?.size === 0) relays.delete(cameraId);
        },
      };
    },
    get openRelays() {
      return open;
    },
    revoke(cameraId, reason) {
      const links = issued.get(cameraId) ?? new Map<string, number>();
      prune(links);
      const revoked = new Set(links.keys());
      for (const relay of [...(relays.get(cameraId) ?? [])]) {
        revoked.add(relay.linkId);
        relay.cut(reason);
      }
      issued.delete(cameraId);
      return revoked.size;
    },
    cutAll(reason) {
      for (const set of [...relays.values()]) for (const relay of [...set]) relay.cut(reason);
      issued.clear();
    },
  };
}

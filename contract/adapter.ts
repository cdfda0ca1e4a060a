/**
 * The adapter contract: how a vendor adapter hands its output to the hub. An adapter translates
 * a protocol into domain events (./domainEvents.ts), emits them to an {@link EventSink} and
 * rejects, with the raw input kept for replay, what it cannot translate. What an adapter may do
 * besides (replay, command cameras, listen) is in ./adapterAbilities.ts.
 */
import type { DomainEvent } from './domainEvents';

/** Input an adapter could not translate, kept with its raw form so that it can be replayed. */
export interface Rejection {
  readonly source: string;
  /** Short machine-readable reason, e.g. `bad-checksum`, `malformed-xml`, `unknown-device`. */
  readonly reason: string;
  /** Human-readable detail. */
  readonly detail: string;
  /** The vendor payload exactly as received. */
  readonly raw: string;
  readonly receivedAt: string;
  /**
   * Who sent it, when the adapter authenticated its sender: the name of a per-source secret or a
   * token's subject. Absent: the adapter does not authenticate senders (or could not say).
   */
  readonly sender?: string | null;
}

/** Where an adapter delivers its output. Both calls resolve once the item is durably accepted. */
export interface EventSink {
  emit(event: DomainEvent): Promise<void>;
  reject(rejection: Rejection): Promise<void>;
}

export interface AdapterStatus {
  readonly name: string;
  readonly connected: boolean;
  readonly lastMessageAt: string | null;
  readonly accepted: number;
  readonly rejected: number;
}

/** A vendor adapter. `start` resolves when it is listening or connected; `stop` releases everything. */
export interface Adapter {
  readonly name: string;
  start(sink: EventSink): Promise<void>;
  stop(): Promise<void>;
  status(): AdapterStatus;
}

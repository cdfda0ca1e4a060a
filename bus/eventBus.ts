import type { DomainEvent } from '../contract';

/** Applies one domain event; a rejection means this subscriber failed to apply it. */
export type EventHandler = (event: DomainEvent) => Promise<void>;

/**
 * Carries domain events from adapters to the subgraphs that apply them. Implemented in process
 * (`createInProcessBus`) and over NATS JetStream across replicas (`nats/createNatsBus`).
 */
export interface EventBus {
  /**
   * Resolves once the event is durably accepted: in process, when every subscriber has applied it
   * (rejecting if one failed); over NATS, when JetStream has stored it for every replica.
   */
  publish(event: DomainEvent): Promise<void>;
  /** Returns a function that removes the subscription. */
  subscribe(handler: EventHandler): () => void;
}

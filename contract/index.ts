/** The contract shared by adapters, ingest, bus and subgraphs: domain events, the adapter interface, the event validator. */
export * from './domainEvents';
export * from './adapter';
export * from './adapterAbilities';
export { validateDomainEvent, type DomainEventValidation, type ValidationReason } from './validateDomainEvent';

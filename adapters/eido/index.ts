/** EIDO (NENA-STA-021) translation: pure functions from a JSON document to domain events. */
export {
  translateEido,
  type EidoRejection,
  type EidoTranslation,
  type EidoTranslationOptions,
} from './translateEido';
export {
  createApcoIncidentCodeTable,
  parseIncidentCodeTable,
  type IncidentCodeEntry,
  type IncidentCodeTable,
  type IncidentCodeTableOptions,
  type RejectedCodeRow,
} from './incidentCodeTable';

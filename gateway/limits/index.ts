/**
 * Limits against abuse (issue 5): document size, depth, cost, introspection, a persisted-operation
 * allow-list and per-caller rates. One `OperationLimits` holds the state (rate buckets) that the
 * HTTP path (`createLimitsPlugin`) and the WebSocket path (`checkOperationLimits`) share.
 */
export {
  type Admission,
  type AdmissionRequest,
  type DocumentCheck,
  type LimitsCaller,
  type OperationLimits,
  type OperationLimitsOptions,
  DEFAULT_FIELD_COSTS,
  callerKeyOf,
  createOperationLimits,
} from './createOperationLimits';
export { type LimitsContext, createLimitsPlugin, originalQueryOf } from './createLimitsPlugin';
export { type OperationLimitsRequest, type OperationLimitsVerdict, checkOperationLimits } from './checkOperationLimits';
export { type LimitCode, LimitError } from './limitErrors';
export { type PersistedOperations, parsePersistedOperations, readPersistedOperations, sha256Hex } from './readPersistedOperations';
export { estimateCost } from './estimateCost';
export { countPricedFields } from './countPricedFields';
export { type VariableBounds, checkDeclaredVariables, checkVariablesShape } from './checkVariables';
export { measureDepth } from './measureDepth';

/**
 * The Live911-style 911 call feed protocol: JSON messages (one, or a batch in a frame) translated
 * into call events, as pure functions; `adapters/live911-ws` is the WebSocket client that carries them.
 */
export { MAX_FEED_ID_LENGTH } from './translateCallFeedMessage';
export { jsonNestingDepth } from './jsonNestingDepth';
export {
  type CallFeedFrameMessage,
  type CallFeedFrameOptions,
  type CallFeedFrameTranslation,
  DEFAULT_MAX_MESSAGES_PER_FRAME,
  translateCallFeedFrame,
} from './translateCallFeedFrame';
export {
  CALL_FEED_MESSAGE_TYPES,
  type CallFeedFailureReason,
  type CallFeedMessageType,
  type CallFeedTimeBounds,
  type CallFeedTranslateOptions,
  type CallFeedTranslation,
  MAX_CALL_FEED_DEPTH,
  MAX_CALL_FEED_MESSAGE_LENGTH,
  parseCallFeedJson,
  translateCallFeedMessage,
  translateCallFeedValue,
} from './translateCallFeedMessage';

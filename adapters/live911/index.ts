/** 911 call feed adapter: live call events pushed by a Live911-style feed over WebSocket. */
export {
  type CallFeedAdapter,
  type CallFeedAdapterOptions,
  type CallFeedAdapterStatus,
  type CallFeedRejectionReason,
  DEFAULT_MAX_CALL_FEED_FRAME_BYTES,
  createCallFeedAdapter,
} from './createCallFeedAdapter';
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

/** 911 call feed adapter: live call events pushed by a Live911-style feed over WebSocket. */
export {
  type CallFeedAdapter,
  type CallFeedAdapterOptions,
  type CallFeedAdapterStatus,
  createCallFeedAdapter,
} from './createCallFeedAdapter';
export {
  CALL_FEED_MESSAGE_TYPES,
  type CallFeedFailureReason,
  type CallFeedMessageType,
  type CallFeedTranslation,
  MAX_CALL_FEED_MESSAGE_LENGTH,
  translateCallFeedMessage,
} from './translateCallFeedMessage';

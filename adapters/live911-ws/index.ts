/** The 911 call feed adapter: a WebSocket client to a Live911-style feed, translating with `adapters/live911`. */
export {
  type CallFeedAdapter,
  type CallFeedAdapterOptions,
  type CallFeedAdapterStatus,
  type CallFeedRejectionReason,
  DEFAULT_MAX_CALL_FEED_FRAME_BYTES,
  createCallFeedAdapter,
} from './createCallFeedAdapter';

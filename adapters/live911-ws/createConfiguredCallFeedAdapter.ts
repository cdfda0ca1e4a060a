import type { AdapterFactoryContext } from '../adapterFactoryContext';
import { type CallFeedAdapter, createCallFeedAdapter } from './createCallFeedAdapter';

/**
 * The registry's `live911`: a WebSocket client to the supplied call feed or else CALL_FEED_URL,
 * with CALL_FEED_API_KEY as its bearer token. Null when there is no feed to connect to.
 */
export function createConfiguredCallFeedAdapter({ config, now, supplied }: AdapterFactoryContext): CallFeedAdapter | null {
  const url = supplied.callFeedUrl ?? config.callFeedUrl;
  if (!url) return null;
  return createCallFeedAdapter({
    name: 'live911',
    url,
    now,
    maxFutureMs: config.callFeedMaxFutureMs,
    maxAgeMs: config.callFeedMaxAgeMs,
    maxMessagesPerFrame: config.callFeedMaxMessagesPerFrame,
    maxFrameBytes: config.callFeedMaxFrameBytes,
    ...(config.callFeedApiKey ? { headers: { authorization: `Bearer ${config.callFeedApiKey}` } } : {}),
  });
}

import {
  type CallFeedTranslateOptions,
  type CallFeedTranslation,
  parseCallFeedJson,
  translateCallFeedValue,
} from './translateCallFeedMessage';

/** Messages read from one frame by default at most; the rest of a larger batch is one dead letter. */
export const DEFAULT_MAX_MESSAGES_PER_FRAME = 100;

/** One message of a frame: its own text (what a dead letter of it keeps) and its translation. */
export interface CallFeedFrameMessage {
  readonly raw: string;
  readonly translation: CallFeedTranslation;
}

export interface CallFeedFrameTranslation {
  /** In frame order; a frame that is one message (or not JSON at all) gives exactly one. */
  readonly messages: readonly CallFeedFrameMessage[];
  /** The messages of a batch beyond the cap, refused together as one dead letter; null when none. */
  readonly overflow: { readonly raw: string; readonly count: number; readonly detail: string } | null;
}

export interface CallFeedFrameOptions extends CallFeedTranslateOptions {
  /** Default {@link DEFAULT_MAX_MESSAGES_PER_FRAME}. */
  readonly maxMessagesPerFrame?: number;
}

/**
 * Translates one WebSocket frame: a message object (see {@link translateCallFeedValue}), or a
 * batch, a JSON array of message objects, which some feeds send after a reconnection. A batch
 * is read up to `maxMessagesPerFrame` messages, each translated on its own (a bad one costs no
 * other); the rest are refused as one `too-many-messages` overflow, so that a frame holding
 * 20,000 messages cannot become 20,000 dead letters. Pure; never throws.
 */
export function translateCallFeedFrame(raw: string, options: CallFeedFrameOptions): CallFeedFrameTranslation {
  const { maxMessagesPerFrame = DEFAULT_MAX_MESSAGES_PER_FRAME } = options;
  const parsed = parseCallFeedJson(raw);
  if (!parsed.ok) return { messages: [{ raw, translation: parsed }], overflow: null };
  if (!Array.isArray(parsed.value)) return { messages: [{ raw, translation: translateCallFeedValue(parsed.value, options) }], overflow: null };
  const batch: unknown[] = parsed.value;
  if (batch.length === 0) {
    return { messages: [{ raw, translation: { ok: false, reason: 'not-an-object', detail: 'the frame is an empty batch: no message in it' } }], overflow: null };
  }
  const messages = batch.slice(0, maxMessagesPerFrame).map(
    // JSON.stringify is safe: the frame's nesting was bounded before it was parsed.
    (value): CallFeedFrameMessage => ({ raw: JSON.stringify(value), translation: translateCallFeedValue(value, options) }),
  );
  const rest = batch.slice(maxMessagesPerFrame);
  const overflow =
    rest.length === 0
      ? null
      : {
          raw: JSON.stringify(rest),
          count: rest.length,
          detail: `the frame is a batch of ${batch.length} messages; at most ${maxMessagesPerFrame} are read per frame, these ${rest.length} were not`,
        };
  return { messages, overflow };
}

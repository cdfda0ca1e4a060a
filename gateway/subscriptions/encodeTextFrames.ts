/** A text message given as two byte strings (UTF-8), written head first. */
export interface TextParts {
  readonly head: Buffer;
  readonly body: Buffer;
}

/**
 * Encodes messages, each `head + body + tail`, as consecutive unmasked, unfragmented WebSocket
 * text frames (RFC 6455 section 5.2: FIN + opcode 0x1, then the payload length in 7, 7+16 or
 * 7+64 bits) into one buffer, so that a batch of messages costs one socket write and no
 * per-client copy of each message into a string first. Server-to-client frames are never masked
 * (section 5.1).
 */
export function encodeTextFrames(messages: readonly TextParts[], tail: Buffer): Buffer {
  let total = 0;
  for (const { head, body } of messages) {
    const length = head.length + body.length + tail.length;
    total += headerSize(length) + length;
  }
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const { head, body } of messages) {
    const length = head.length + body.length + tail.length;
    out[offset] = 0x81;
    if (length < 126) {
      out[offset + 1] = length;
      offset += 2;
    } else if (length < 0x10000) {
      out[offset + 1] = 126;
      out.writeUInt16BE(length, offset + 2);
      offset += 4;
    } else {
      out[offset + 1] = 127;
      out.writeBigUInt64BE(BigInt(length), offset + 2);
      offset += 10;
    }
    offset += head.copy(out, offset);
    offset += body.copy(out, offset);
    offset += tail.copy(out, offset);
  }
  return out;
}

function headerSize(length: number): number {
  if (length < 126) return 2;
  return length < 0x10000 ? 4 : 10;
}

import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback, pipeline } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ErrorCode } from '../errors/hubErrors';
import { CALLER_HEADER, type ForwardedCaller, decodeForwardedCaller } from '../wire/forwardedCaller';
import {
  EMPTY_BODY_SHA256,
  GATEWAY_SIGNATURE_HEADER,
  GATEWAY_SIGNATURE_PARAM,
  type GatewayVerifier,
  type SignatureCheck,
} from '../wire/gatewaySignature';

export interface GatewayGuardOptions {
  readonly verifier: GatewayVerifier;
  /** The guarded route (the GraphQL endpoint); other routes, such as `/health`, stay open. */
  readonly path: string;
  readonly logger: Logger;
}

/** Lets only the gateway's signed requests and connections through to a subgraph's GraphQL route. */
export interface GatewayGuard {
  /** Adds the hooks that refuse unsigned requests to `path` with 401; call before the route is registered. */
  register(app: FastifyInstance): void;
  /** The caller the gateway forwarded with `request` (verified by the hooks), or null. */
  callerOf(request: FastifyRequest): ForwardedCaller | null;
  /** For mercurius `subscription.onConnect`: whether the `connection_init` payload is signed (and not replayed). */
  onConnect(message: { payload?: unknown }): Promise<boolean>;
}

/**
 * Refuses, with HTTP 401 and a GraphQL-shaped UNAUTHENTICATED error giving the reason, every
 * request to the GraphQL route (queries, mutations and WebSocket upgrades alike) that does not
 * carry a valid gateway signature over its method, path, body and forwarded caller; refuses
 * graphql-ws connections whose `connection_init` is not signed. A signature used before is
 * refused the same way with the code SIGNATURE_REPLAYED.
 */
export function createGatewayGuard(options: GatewayGuardOptions): GatewayGuard {
  const { verifier, path, logger } = options;
  const bodyHashes = new WeakMap<IncomingMessage, string>();
  const callers = new WeakMap<FastifyRequest, ForwardedCaller | null>();
  const isGuarded = (request: FastifyRequest) => request.routeOptions.url === path;

  const refuse = (request: FastifyRequest, reply: FastifyReply, reason: string, code: ErrorCode = 'UNAUTHENTICATED') => {
    logger.warn({ reason, code, method: request.method, url: request.url, clientAddress: request.ip }, 'refused a request not signed by the gateway');
    return reply
      .code(401)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ errors: [{ message: `Only the gateway may call this subgraph: ${reason}`, extensions: { code, reason } }] });
  };

  return {
    register(app) {
      // An unsigned request is refused before its body is read. (Not earlier, in onRequest:
      // @fastify/websocket's own onRequest hook must have marked an upgrade request for it to
      // close the socket after the refusal.) The signature covers the body's bytes as received,
      // whatever their content type: hash them on their way to the parser. GET and HEAD (and
      // WebSocket upgrades) have no body.
      app.addHook('preParsing', async (request, reply, payload) => {
        if (!isGuarded(request)) return payload;
        if (request.headers[GATEWAY_SIGNATURE_HEADER] === undefined) {
          return refuse(request, reply, `missing ${GATEWAY_SIGNATURE_HEADER} header`);
        }
        if (request.method === 'GET' || request.method === 'HEAD') return payload;
        const hashing = createHashingStream((digest) => bodyHashes.set(request.raw, digest));
        // pipeline, unlike pipe, hands a failure of the client's stream on to the parser.
        pipeline(payload, hashing, () => undefined);
        return hashing;
      });
      app.addHook('preHandler', async (request, reply) => {
        if (!isGuarded(request)) return;
        const callerHeader = request.headers[CALLER_HEADER];
        if (Array.isArray(callerHeader)) return refuse(request, reply, `more than one ${CALLER_HEADER} header`);
        const check = await verifier.verifyRequest(request.headers[GATEWAY_SIGNATURE_HEADER], {
          method: request.method,
          path: request.url,
          bodySha256: bodyHashes.get(request.raw) ?? EMPTY_BODY_SHA256,
          caller: callerHeader ?? null,
        });
        if (!check.valid) return refuse(request, reply, check.reason, check.replayed ? 'SIGNATURE_REPLAYED' : 'UNAUTHENTICATED');
        try {
          callers.set(request, callerHeader === undefined ? null : decodeForwardedCaller(callerHeader));
        } catch (error) {
          return refuse(request, reply, (error as Error).message);
        }
      });
    },
    callerOf: (request) => callers.get(request) ?? null,
    async onConnect({ payload }) {
      const signature = isRecord(payload) ? payload[GATEWAY_SIGNATURE_PARAM] : undefined;
      const check: SignatureCheck = await verifier.verifyConnection(signature, path);
      if (!check.valid) logger.warn({ reason: check.reason, replayed: check.replayed ?? false }, 'refused a WebSocket connection not signed by the gateway');
      return check.valid;
    },
  };
}

/** Passes bytes through unchanged and reports their SHA-256 (hex) once they have all passed. */
function createHashingStream(onDigest: (digest: string) => void): Transform {
  const hash = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      onDigest(hash.digest('hex'));
      callback();
    },
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

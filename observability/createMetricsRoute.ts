import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { formattedHubError } from '../errors/hubErrors';

export interface MetricsRouteOptions {
  readonly registry: Registry;
  /** METRICS_TOKEN: when set, a scrape must send `Authorization: Bearer <token>`, from any address. */
  readonly token: string | undefined;
  /** METRICS_PUBLIC: without a token, serve any address (else loopback only). */
  readonly isPublic: boolean;
}

/**
 * `GET /metrics`: the registry in Prometheus text format. Who may scrape: with METRICS_TOKEN set,
 * whoever sends it as a bearer token; without it, loopback addresses only (a Prometheus or an
 * agent on the hub's machine), unless METRICS_PUBLIC opens it to every address. Metrics name
 * operations and sources, not callers or data, but they are still the hub's inner workings.
 */
export function createMetricsRoute(options: MetricsRouteOptions): (app: FastifyInstance) => void {
  const { registry, token, isPublic } = options;
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  return (app) => {
    app.get('/metrics', async (request, reply) => {
      if (expected) {
        if (!carries(request.headers.authorization, expected)) {
          return reply.code(401).header('www-authenticate', 'Bearer').send({ errors: [formattedHubError('UNAUTHENTICATED', '/metrics needs the METRICS_TOKEN bearer token')] });
        }
      } else if (!isPublic && !isLoopback(request.socket.remoteAddress)) {
        return reply.code(403).send({ errors: [formattedHubError('FORBIDDEN', '/metrics is served to loopback addresses only (set METRICS_TOKEN or METRICS_PUBLIC)')] });
      }
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    });
  };
}

/** Compares in constant time, so that the token cannot be guessed byte by byte from timings. */
function carries(header: string | undefined, expected: Buffer): boolean {
  if (header === undefined) return false;
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** 127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6 (`::ffff:127.0.0.1`). */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}

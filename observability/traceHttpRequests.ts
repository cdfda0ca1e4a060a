import { type Context, type Span, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hubTracer } from './hubTracer';

/** Reads W3C trace-context headers off a Node request's headers. */
const HEADER_GETTER = {
  keys: (carrier: FastifyRequest['headers']) => Object.keys(carrier),
  get: (carrier: FastifyRequest['headers'], key: string) => carrier[key],
};

/**
 * One server span per request on `paths`, continuing the `traceparent` the caller sent (the
 * client, for the gateway; the gateway, for a subgraph), and active while the request's handler
 * runs, so that the spans and log lines made in it fall under it. Register before the routes.
 */
export function traceHttpRequests(app: FastifyInstance, options: { readonly name: string; readonly paths: readonly string[] }): void {
  const spans = new WeakMap<FastifyRequest, Span>();
  const contexts = new WeakMap<FastifyRequest, Context>();
  app.addHook('onRequest', (request, _reply, done) => {
    const path = request.url.split('?', 1)[0] ?? '';
    if (!options.paths.includes(path)) return done();
    const parent = propagation.extract(context.active(), request.headers, HEADER_GETTER);
    const span = hubTracer().startSpan(
      `${options.name} ${request.method} ${path}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'url.path': path, 'rtcc.component': options.name } },
      parent,
    );
    spans.set(request, span);
    contexts.set(request, trace.setSpan(parent, span));
    done();
  });
  // Entered once the body is read: the body's stream events would not carry an earlier context.
  app.addHook('preHandler', (request, _reply, done) => {
    const active = contexts.get(request);
    if (active) context.with(active, done);
    else done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
}

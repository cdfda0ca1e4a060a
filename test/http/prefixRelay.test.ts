import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { createHttpApp } from '../../http/createHttpApp';
import { RELAYED_CLIENT_ADDRESS_HEADER, createPrefixRelay } from '../../http/createPrefixRelay';

const logger = pino({ level: 'silent' });
const originOf = (app: FastifyInstance) => `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

/**
 * The gateway's relay of a subgraph's public routes (`/community/…`), between two real servers:
 * bodies go through as bytes, answers stream back, and neither side can be fooled by the other.
 */
describe('createPrefixRelay', () => {
  let upstream: FastifyInstance;
  let front: FastifyInstance;
  let target: string | null;
  let streamClosed: Promise<void>;

  beforeAll(async () => {
    upstream = createHttpApp(logger);
    upstream.removeAllContentTypeParsers();
    upstream.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 64 * 1024 * 1024 }, (_request, body, done) => done(null, body));
    upstream.all('/community/echo', async (request, reply) => {
      const body = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
      return reply
        .header('x-content-sha256', createHash('sha256').update(body).digest('hex'))
        .header('x-seen-client', String(request.headers[RELAYED_CLIENT_ADDRESS_HEADER]))
        .header('x-seen-query', request.url)
        .header('content-type', 'application/octet-stream')
        .send(body);
    });
    let closed: () => void = () => undefined;
    streamClosed = new Promise((resolve) => (closed = resolve));
    upstream.get('/community/stream', (request, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=frame' });
      const timer = setInterval(() => reply.raw.write('--frame\r\n\r\nx\r\n'), 20);
      request.raw.on('close', () => {
        clearInterval(timer);
        closed();
      });
    });
    upstream.get('/community/slow', async () => new Promise(() => undefined));
    await upstream.listen({ port: 0, host: '127.0.0.1' });
    target = originOf(upstream);
    front = createHttpApp(logger);
    front.get('/other', async () => ({ mine: true }));
    await createPrefixRelay({ prefix: '/community/', target: () => target, logger, responseTimeoutMs: 500 })(front);
    await front.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await front?.close();
    await upstream?.close();
  });

  it('passes a JSON body through byte for byte (a webhook signs its bytes), with the query string', async () => {
    const body = '{ "active" :true,\n  "note": "spaces kept" }';
    const answer = await fetch(`${originOf(front)}/community/echo?a=1&b=%20`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe(body);
    expect(answer.headers.get('x-seen-query')).toBe('/community/echo?a=1&b=%20');
  });

  it('streams a large upload through whole and the answer back, headers kept', async () => {
    const clip = randomBytes(6 * 1024 * 1024);
    const answer = await fetch(`${originOf(front)}/community/echo`, { method: 'PUT', headers: { 'content-type': 'video/mp4' }, body: clip });
    expect(answer.status).toBe(200);
    const returned = Buffer.from(await answer.arrayBuffer());
    expect(returned.equals(clip)).toBe(true);
    expect(answer.headers.get('x-content-sha256')).toBe(createHash('sha256').update(clip).digest('hex'));
  });

  it('tells the upstream the client\'s address, and a client cannot claim another', async () => {
    const answer = await fetch(`${originOf(front)}/community/echo`, { headers: { [RELAYED_CLIENT_ADDRESS_HEADER]: '203.0.113.9' } });
    expect(answer.headers.get('x-seen-client')).toBe('127.0.0.1');
  });

  it('leaves the front server\'s own routes alone', async () => {
    expect(await (await fetch(`${originOf(front)}/other`)).json()).toEqual({ mine: true });
  });

  it('ends the upstream stream when the client goes away', async () => {
    await new Promise<void>((resolve, reject) => {
      const request = httpRequest(`${originOf(front)}/community/stream`, (response) => {
        expect(response.statusCode).toBe(200);
        response.once('data', () => {
          request.destroy();
          resolve();
        });
      });
      request.on('error', () => undefined);
      request.end();
      request.on('timeout', reject);
    });
    await streamClosed;
  });

  it('waits for the answer from when the body is sent whole, not from the start of a slow upload', async () => {
    // A client that takes longer than the answer timeout (500 ms) to send its body still gets the upstream's answer.
    const chunks = [Buffer.alloc(1024, 1), Buffer.alloc(1024, 2), Buffer.alloc(1024, 3)];
    const answer = await new Promise<{ status: number; sha: string | undefined }>((resolve, reject) => {
      const request = httpRequest(`${originOf(front)}/community/echo`, { method: 'PUT', headers: { 'content-type': 'video/mp4', 'content-length': 3072 } }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, sha: response.headers['x-content-sha256'] as string | undefined }));
      });
      request.on('error', reject);
      let sent = 0;
      const next = () => {
        request.write(chunks[sent]!);
        sent += 1;
        if (sent < chunks.length) setTimeout(next, 300);
        else request.end();
      };
      next();
    });
    expect(answer).toEqual({ status: 200, sha: createHash('sha256').update(Buffer.concat(chunks)).digest('hex') });
  });

  it('answers 504 when the upstream does not answer in time, 502 when it is down, 503 when it is not known', async () => {
    const slow = await fetch(`${originOf(front)}/community/slow`);
    expect(slow.status).toBe(504);
    expect(((await slow.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('SUBGRAPH_UNAVAILABLE');
    const previous = target;
    target = 'http://127.0.0.1:1';
    expect((await fetch(`${originOf(front)}/community/echo`)).status).toBe(502);
    target = null;
    expect((await fetch(`${originOf(front)}/community/echo`)).status).toBe(503);
    target = previous;
  });
});

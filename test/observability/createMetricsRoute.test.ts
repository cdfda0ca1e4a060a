import Fastify from 'fastify';
import { createHubMetrics } from '../../observability/createHubMetrics';
import { createMetricsRoute, isLoopback } from '../../observability/createMetricsRoute';
import { parsePrometheusText, sampleValue } from './parsePrometheusText';

describe('the /metrics route', () => {
  const appWith = async (options: { token?: string; isPublic?: boolean }) => {
    const metrics = createHubMetrics({ defaultMetrics: false });
    const app = Fastify();
    createMetricsRoute({ registry: metrics.registry, token: options.token, isPublic: options.isPublic ?? false })(app);
    await app.ready();
    return { app, metrics };
  };

  it('without a token, answers loopback addresses and refuses others', async () => {
    const { app } = await appWith({});
    expect((await app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/metrics', remoteAddress: '::1' })).statusCode).toBe(200);
    const refused = await app.inject({ url: '/metrics', remoteAddress: '10.20.30.40' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    await app.close();
  });

  it('with METRICS_PUBLIC, answers every address', async () => {
    const { app } = await appWith({ isPublic: true });
    expect((await app.inject({ url: '/metrics', remoteAddress: '10.20.30.40' })).statusCode).toBe(200);
    await app.close();
  });

  it('with a token, wants it from every address, loopback included', async () => {
    const { app } = await appWith({ token: 't0ken' });
    expect((await app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/metrics', remoteAddress: '10.20.30.40', headers: { authorization: 'Bearer t0ken' } })).statusCode).toBe(200);
    await app.close();
  });

  it('caps the operation names it labels, so clients cannot grow the series without bound', async () => {
    const metrics = createHubMetrics({ defaultMetrics: false, maxOperationNames: 2 });
    for (const name of ['A', 'B', 'C', 'D', 'A']) metrics.operationFinished(name, 'ok', 0.01);
    metrics.operationFinished(null, 'error', 0.01);
    const families = parsePrometheusText(await metrics.registry.metrics());
    expect(sampleValue(families, 'rtcc_graphql_operations_total', { operation: 'A' })).toBe(2);
    expect(sampleValue(families, 'rtcc_graphql_operations_total', { operation: 'B' })).toBe(1);
    expect(sampleValue(families, 'rtcc_graphql_operations_total', { operation: '(other)' })).toBe(2);
    expect(sampleValue(families, 'rtcc_graphql_operations_total', { operation: '(anonymous)', outcome: 'error' })).toBe(1);
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', 'fe80::1', undefined].map(isLoopback)).toEqual([false, false, false, false, false]);
  });
});

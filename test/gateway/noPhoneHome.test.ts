import { type TestHub, startTestHub } from '../support/startTestHub';
import { STORAGE_TARGETS } from '../support/storageTargets';

describe('the gateway', () => {
  let hub: TestHub;
  afterAll(() => hub?.close());

  it('turns Apollo telemetry off, so that the hub never contacts anything but its own subgraphs', async () => {
    delete process.env.APOLLO_TELEMETRY_DISABLED;
    hub = await startTestHub(STORAGE_TARGETS[0]!);
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('true');
  });
});

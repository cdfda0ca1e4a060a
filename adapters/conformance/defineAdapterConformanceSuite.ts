import type { Adapter, DomainEvent } from '../contract';
import { validateDomainEvent } from '../validateDomainEvent';
import { type RecordingSink, createRecordingSink } from './createRecordingSink';

/** What the suite needs to drive one adapter through its real transport. */
export interface AdapterHarness {
  readonly adapter: Adapter;
  /** Delivers one vendor payload the way the vendor system would (datagram, POST, message …). */
  send(raw: string): Promise<void>;
  /** Payloads the adapter must accept; each yields at least one event. In the order a vendor would send them. */
  readonly valid: readonly string[];
  /** Payloads the adapter must reject (each with a reason), without stopping. */
  readonly invalid: readonly string[];
  /**
   * Optional: cut the vendor connection and restore it, to check that the adapter reports
   * itself disconnected and recovers on its own.
   */
  interrupt?(): Promise<void>;
  restore?(): Promise<void>;
  /** Releases whatever the harness opened besides the adapter (fake vendor servers …). */
  close?(): Promise<void>;
}

/**
 * One conformance suite for every adapter, in the repository or a vendor's: call it from a jest
 * test file with a factory that builds a fresh harness per test.
 *
 * It checks: start/stop and status; that only contract-valid events are emitted; that bad input
 * is rejected with a reason and its raw payload while the good input around it still arrives;
 * that sending the same payload twice yields the same event ids (idempotence downstream);
 * that events keep the order of the input; and, where the harness can interrupt the vendor
 * connection, that the adapter notices and recovers.
 */
export function defineAdapterConformanceSuite(
  name: string,
  createHarness: () => Promise<AdapterHarness>,
  options: { /** The harness can interrupt and restore the vendor connection. */ reconnects?: boolean } = {},
): void {
  describe(`adapter conformance: ${name}`, () => {
    let harness: AdapterHarness;
    let sink: RecordingSink;

    beforeEach(async () => {
      harness = await createHarness();
      sink = createRecordingSink();
      await harness.adapter.start(sink);
    });
    afterEach(async () => {
      await harness.adapter.stop();
      await harness.close?.();
    });

    const sendAll = async (payloads: readonly string[]) => {
      for (const payload of payloads) await harness.send(payload);
    };

    it('reports itself connected once started, under the name it carries', () => {
      const status = harness.adapter.status();
      expect(status.name).toBe(harness.adapter.name);
      expect(status.connected).toBe(true);
    });

    it('emits only events that pass the contract validator, stamped with its name', async () => {
      expect(harness.valid.length).toBeGreaterThan(0);
      await sendAll(harness.valid);
      await sink.until((s) => s.events.length >= harness.valid.length);
      for (const event of sink.events) {
        const verdict = validateDomainEvent(event);
        expect(verdict.ok ? 'valid' : `${verdict.reason}: ${verdict.detail}`).toBe('valid');
        expect(event.source).toBe(harness.adapter.name);
      }
      expect(sink.rejections).toEqual([]);
    });

    it('rejects bad input with a reason and the raw payload, and keeps the good input around it', async () => {
      expect(harness.invalid.length).toBeGreaterThan(0);
      await sendAll(harness.valid);
      await sink.until((s) => s.events.length >= harness.valid.length);
      const goodAlone = sink.events.length;
      sink.events.length = 0;

      const interleaved = harness.valid.flatMap((payload, i) => [harness.invalid[i % harness.invalid.length]!, payload]);
      await sendAll([...interleaved, ...harness.invalid]);
      await sink.until((s) => s.events.length >= goodAlone && s.rejections.length >= interleaved.length / 2 + harness.invalid.length).catch((error: unknown) => {
        throw new Error(`${String(error)}; expected ${goodAlone} events and ${interleaved.length / 2 + harness.invalid.length} rejections: ${JSON.stringify(sink.rejections.map((r) => r.reason))}`);
      });
      expect(sink.events.length).toBe(goodAlone);
      for (const rejection of sink.rejections) {
        expect(rejection.source).toBe(harness.adapter.name);
        expect(rejection.reason).toMatch(/^[a-z][a-z0-9-]*$/);
        expect(rejection.detail.length).toBeGreaterThan(0);
        // The raw payload is kept, possibly with what the transport knew about its sender.
        expect(harness.invalid.some((payload) => rejection.raw.includes(payload.trim()) || payload.includes(rejection.raw))).toBe(true);
      }
      expect(harness.adapter.status().connected).toBe(true);
    });

    it('gives the same payload the same event ids, so that a resend changes nothing', async () => {
      const [first] = harness.valid;
      await harness.send(first!);
      await sink.until((s) => s.events.length >= 1);
      const once = sink.events.map((event) => event.eventId);
      await harness.send(first!);
      await sink.until((s) => s.events.length >= once.length * 2);
      expect(sink.events.slice(once.length).map((event) => event.eventId)).toEqual(once);
    });

    it('keeps the order of its input: no entity goes back in time', async () => {
      await sendAll(harness.valid);
      await sink.until((s) => s.events.length >= harness.valid.length);
      const timesByEntity = new Map<string, number[]>();
      for (const event of sink.events) {
        const key = `${event.type}:${entityKeyOf(event)}`;
        timesByEntity.set(key, [...(timesByEntity.get(key) ?? []), Date.parse(event.occurredAt)]);
      }
      for (const times of timesByEntity.values()) expect(times).toEqual([...times].sort((a, b) => a - b));
    });

    it('stops cleanly: no events after stop, and reports itself disconnected', async () => {
      await harness.adapter.stop();
      expect(harness.adapter.status().connected).toBe(false);
      await harness.send(harness.valid[0]!).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sink.events).toEqual([]);
      await harness.adapter.start(sink);
    });

    (options.reconnects ? it : it.skip)('notices a lost vendor connection and recovers on its own', async () => {
      await harness.interrupt!();
      await sink.until(() => !harness.adapter.status().connected);
      await harness.restore!();
      await sink.until(() => harness.adapter.status().connected, 15_000);
      await harness.send(harness.valid[0]!);
      await sink.until((s) => s.events.length >= 1);
    });
  });
}

/** The entity an event is about. */
function entityKeyOf(event: DomainEvent): string {
  switch (event.type) {
    case 'call.received':
    case 'call.updated':
      return event.callId;
    case 'incident.created':
    case 'incident.updated':
      return event.incidentId;
    case 'unit.statusChanged':
      return event.unitId;
    case 'position.fix':
      return event.unitId ?? event.deviceId ?? '';
    case 'camera.discovered':
    case 'camera.statusChanged':
      return event.cameraId;
  }
}

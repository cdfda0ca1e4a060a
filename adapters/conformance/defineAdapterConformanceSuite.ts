import type { Adapter, DomainEvent } from '../../contract';
import { validateDomainEvent } from '../../contract/validateDomainEvent';
import { type RecordingSink, createRecordingSink } from './createRecordingSink';

/** What the suite needs to drive one adapter through its real transport. */
export interface AdapterHarness {
  readonly adapter: Adapter;
  /**
   * Delivers one vendor payload the way the vendor system would (datagram, POST, message …).
   *
   * Where the adapter fetches its input itself (a device it polls, a file it watches, a
   * simulation it advances), the harness delivers a payload by making its fake source produce
   * it, and resolves only once the adapter has taken it in (at once when the adapter is stopped):
   * then the suite can also check what did *not* come of it.
   */
  send(raw: string): Promise<void>;
  /**
   * Payloads the adapter must accept; each yields at least one event. In the order a vendor would
   * send them. For an adapter that `reportsChanges`, each differs from the one before it and the
   * last from the first (and from the source's state before the first).
   */
  readonly valid: readonly string[];
  /** Payloads the adapter must reject (each with a reason), without stopping. Required unless `rejects: false`. */
  readonly invalid?: readonly string[];
  /**
   * Optional: cut the vendor connection and restore it, to check that the adapter reports
   * itself disconnected and recovers on its own.
   */
  interrupt?(): Promise<void>;
  restore?(): Promise<void>;
  /** Releases whatever the harness opened besides the adapter (fake vendor servers …). */
  close?(): Promise<void>;
}

/** What an adapter can be checked for; each option declares a capability the harness has or the adapter lacks. */
export interface AdapterConformanceOptions {
  /** The harness can interrupt and restore the vendor connection (`interrupt`, `restore`). Default false. */
  readonly reconnects?: boolean;
  /**
   * The adapter can be handed input it must refuse. Default true. False only for a source that
   * cannot produce bad input (an in-process simulation): the rejection check is skipped.
   */
  readonly rejects?: boolean;
  /**
   * The adapter reads the current state of its source and reports what changed (a device it
   * polls, a simulation clock): a payload it has already taken in yields no event, where a push
   * adapter yields the same events again. The resend check then requires that a resend brings no
   * event with an id not seen before. Default false.
   */
  readonly reportsChanges?: boolean;
}

/**
 * One conformance suite for every adapter, in the repository or a vendor's: call it from a jest
 * test file with a factory that builds a fresh harness per test.
 *
 * It checks: start/stop and status; that only contract-valid events are emitted; that bad input
 * is rejected with a reason and its raw payload while the good input around it still arrives;
 * that sending the same payload twice yields the same event ids, or for an adapter that reports
 * changes no new ones (idempotence downstream); that events keep the order of the input; and,
 * where the harness can interrupt the vendor connection, that the adapter notices and recovers.
 * Events an adapter emits on start by itself (a polled device's first answer, a simulation's
 * initial state) are counted apart from those the payloads bring.
 */
export function defineAdapterConformanceSuite(
  name: string,
  createHarness: () => Promise<AdapterHarness>,
  options: AdapterConformanceOptions = {},
): void {
  const { reconnects = false, rejects = true, reportsChanges = false } = options;
  describe(`adapter conformance: ${name}`, () => {
    let harness: AdapterHarness;
    let sink: RecordingSink;
    /** Events emitted by `start` itself, before any payload. */
    let baseline: number;

    beforeEach(async () => {
      harness = await createHarness();
      sink = createRecordingSink();
      await harness.adapter.start(sink);
      baseline = sink.events.length;
    });
    afterEach(async () => {
      await harness.adapter.stop();
      await harness.close?.();
    });

    const sendAll = async (payloads: readonly string[]) => {
      for (const payload of payloads) await harness.send(payload);
    };
    const idsSince = (index: number) => sink.events.slice(index).map((event) => event.eventId);

    it('reports itself connected once started, under the name it carries', () => {
      const status = harness.adapter.status();
      expect(status.name).toBe(harness.adapter.name);
      expect(status.connected).toBe(true);
    });

    it('emits only events that pass the contract validator, stamped with its name', async () => {
      expect(harness.valid.length).toBeGreaterThan(0);
      await sendAll(harness.valid);
      await sink.until((s) => s.events.length >= baseline + harness.valid.length);
      for (const event of sink.events) {
        const verdict = validateDomainEvent(event);
        expect(verdict.ok ? 'valid' : `${verdict.reason}: ${verdict.detail}`).toBe('valid');
        expect(event.source).toBe(harness.adapter.name);
      }
      expect(sink.rejections).toEqual([]);
    });

    (rejects ? it : it.skip)('rejects bad input with a reason and the raw payload, and keeps the good input around it', async () => {
      const invalid = harness.invalid ?? [];
      expect(invalid.length).toBeGreaterThan(0);
      await sendAll(harness.valid);
      await sink.until((s) => s.events.length >= baseline + harness.valid.length);
      const goodAlone = sink.events.length - baseline;
      sink.events.length = 0;

      const interleaved = harness.valid.flatMap((payload, i) => [invalid[i % invalid.length]!, payload]);
      const expectedRejections = interleaved.length / 2 + invalid.length;
      await sendAll([...interleaved, ...invalid]);
      await sink.until((s) => s.events.length >= goodAlone && s.rejections.length >= expectedRejections).catch((error: unknown) => {
        throw new Error(`${String(error)}; expected ${goodAlone} events and ${expectedRejections} rejections: ${JSON.stringify(sink.rejections.map((r) => r.reason))}`);
      });
      expect(sink.events.length).toBe(goodAlone);
      for (const rejection of sink.rejections) {
        expect(rejection.source).toBe(harness.adapter.name);
        expect(rejection.reason).toMatch(/^[a-z][a-z0-9-]*$/);
        expect(rejection.detail.length).toBeGreaterThan(0);
        // The raw payload is kept, possibly with what the transport knew about its sender.
        expect(invalid.some((payload) => rejection.raw.includes(payload.trim()) || payload.includes(rejection.raw))).toBe(true);
      }
      expect(harness.adapter.status().connected).toBe(true);
    });

    it(
      reportsChanges
        ? 'brings no new event id when a payload it has taken in comes again, and still takes the next one'
        : 'gives the same payload the same event ids, so that a resend changes nothing',
      async () => {
        const [first, second] = harness.valid;
        await harness.send(first!);
        await sink.until((s) => s.events.length >= baseline + 1);
        const once = idsSince(baseline);
        await harness.send(first!);
        if (reportsChanges) {
          // `send` resolved once the adapter had taken the resend in: whatever it brought is already here.
          expect(idsSince(baseline + once.length).filter((id) => !once.includes(id))).toEqual([]);
          expect(second).toBeDefined();
          const before = sink.events.length;
          await harness.send(second!);
          await sink.until((s) => s.events.length > before);
        } else {
          await sink.until((s) => s.events.length >= baseline + once.length * 2);
          expect(idsSince(baseline + once.length)).toEqual(once);
        }
      },
    );

    it('keeps the order of its input: no entity goes back in time', async () => {
      await sendAll(harness.valid);
      await sink.until((s) => s.events.length >= baseline + harness.valid.length);
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
      const before = sink.events.length;
      await harness.send(harness.valid[0]!).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sink.events.slice(before)).toEqual([]);
      await harness.adapter.start(sink);
    });

    (reconnects ? it : it.skip)('notices a lost vendor connection and recovers on its own', async () => {
      await harness.interrupt!();
      await sink.until(() => !harness.adapter.status().connected);
      await harness.restore!();
      await sink.until(() => harness.adapter.status().connected, 15_000);
      const before = sink.events.length;
      await harness.send(harness.valid[0]!);
      await sink.until((s) => s.events.length > before);
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
    case 'camera.withdrawn':
      return event.cameraId;
  }
}

/** What the page probe gathered since its last reset (`window.__benchProbe.read()`). */
export interface PageProbeReading {
  /** Time between consecutive requestAnimationFrame callbacks, ms, in order. */
  readonly frameIntervalsMs: number[];
  /** Tasks over 50 ms on the page's main thread (PerformanceObserver 'longtask'). */
  readonly longTasks: { readonly count: number; readonly totalMs: number; readonly maxMs: number };
  /** graphql-ws messages received, by the field their data carries (`unitPositions` …) or message type. */
  readonly messages: Record<string, number>;
  /** Characters received over the console's WebSockets. */
  readonly characters: number;
  /** performance.now() span the reading covers, ms. */
  readonly spanMs: number;
}

/**
 * Installed with `page.addInitScript` before the console's own code runs: a requestAnimationFrame
 * loop that records every frame interval (a frame that took long shows as a long interval, as
 * the operator sees it), a long-task observer, and a count of the WebSocket messages the page
 * receives, by subscription field. It is a string, not a function, so that what the bundler
 * adds to functions (name helpers) never reaches the page. The probe's own cost per message is
 * one or two regular-expression matches on the message's first 120 characters.
 */
export const PAGE_PROBE_SCRIPT = `(() => {
  let frames = [];
  let last = null;
  let since = performance.now();
  const longTasks = { count: 0, totalMs: 0, maxMs: 0 };
  let messages = Object.create(null);
  let characters = 0;
  const onFrame = (at) => {
    if (last !== null) frames.push(at - last);
    last = at;
    requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        longTasks.count += 1;
        longTasks.totalMs += entry.duration;
        if (entry.duration > longTasks.maxMs) longTasks.maxMs = entry.duration;
      }
    }).observe({ type: 'longtask', buffered: false });
  } catch {}
  const dataField = /"data":\\{"(\\w+)"/;
  const messageType = /"type":"(\\w+)"/;
  const count = (event) => {
    if (typeof event.data !== 'string') return;
    characters += event.data.length;
    const head = event.data.slice(0, 120);
    const match = dataField.exec(head) || messageType.exec(head);
    const key = match ? match[1] : 'other';
    messages[key] = (messages[key] || 0) + 1;
  };
  const Native = window.WebSocket;
  class CountedWebSocket extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', count);
    }
  }
  window.WebSocket = CountedWebSocket;
  window.__benchProbe = {
    reset() {
      frames = [];
      last = null;
      since = performance.now();
      longTasks.count = 0;
      longTasks.totalMs = 0;
      longTasks.maxMs = 0;
      messages = Object.create(null);
      characters = 0;
    },
    read() {
      return { frameIntervalsMs: frames.slice(), longTasks: { ...longTasks }, messages: { ...messages }, characters, spanMs: performance.now() - since };
    },
  };
})();`;

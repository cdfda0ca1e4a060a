import type { CDPSession, Page } from 'playwright-core';
import { type HeadlessChromium, launchHeadlessChromium } from '../../console/launchHeadlessChromium';
import { PAGE_PROBE_SCRIPT } from './pageProbeScript';

/** The operator console signed in, in its own headless Chromium, with the probe installed. */
export interface ConsolePage {
  readonly page: Page;
  /** The page's DevTools session (Performance metrics, HeapProfiler). */
  readonly cdp: CDPSession;
  /** HTTP requests the page made, by kind (`graphql`, `snapshot`, `asset`, `other`); diff two readings for a window. */
  requests(): Record<string, number>;
  close(): Promise<void>;
}

/** Options of {@link openConsolePage}. */
export interface ConsolePageOptions {
  /** `http://127.0.0.1:<port>` of the hub. */
  readonly origin: string;
  /** The case number stated as the purpose. */
  readonly purpose: string;
  /** How long sign-in and the first state (every camera page) may take. */
  readonly readyTimeoutMs?: number;
}

/**
 * Launches Chromium, opens the console and signs in as an operator through its own dialogs
 * (the development issuer's role picker, then the purpose), as an operator would, and waits
 * until the console says it is ready (first state drawn, subscriptions started).
 */
export async function openConsolePage(options: ConsolePageOptions): Promise<ConsolePage> {
  const { origin, purpose, readyTimeoutMs = 180_000 } = options;
  const browser: HeadlessChromium = await launchHeadlessChromium();
  try {
    const { context } = browser;
    await context.addInitScript({ content: PAGE_PROBE_SCRIPT });
    // The context opens with one page; using it keeps the browser to one renderer process.
    const page = context.pages()[0] ?? (await context.newPage());
    const requests: Record<string, number> = {};
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      const kind = pathname === '/graphql' ? 'graphql' : request.resourceType() === 'image' && !pathname.startsWith('/console/') ? 'snapshot' : pathname.startsWith('/console/') ? 'asset' : 'other';
      requests[kind] = (requests[kind] ?? 0) + 1;
    });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    try {
      await page.goto(`${origin}/`);
      await page.selectOption('#sign-in-role', 'operator', { timeout: 60_000 });
      await page.click('#sign-in-submit');
      await page.fill('#purpose-number', purpose, { timeout: 30_000 });
      await page.click('#purpose-submit');
      await page.waitForFunction(() => (window as { __console?: { ready: boolean } }).__console?.ready === true, undefined, { timeout: readyTimeoutMs });
    } catch (error) {
      const dialog = await page.textContent('#dialog', { timeout: 1000 }).catch(() => null);
      throw new Error(
        `bench: the console did not become ready: ${(error as Error).message.split('\n')[0]}` +
          (dialog?.trim() ? `; its dialog says: ${dialog.trim()}` : '') +
          (problems.length > 0 ? `; page errors: ${problems.join(' | ')}` : ''),
      );
    }
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
    return { page, cdp, requests: () => ({ ...requests }), close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's `chromium` package (`apt-get install -y chromium`): the browser the console's tests and `bench:console` drive. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for a headless Chromium that runs the console and nothing else: no sandbox (containers
 * have no user namespaces), no GPU (WebGL falls back to SwiftShader), and none of the browser's
 * own traffic (updates, sync, first-run pages), so that every request a page makes is its own.
 */
export const HEADLESS_CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Whether this machine has the Chromium the console's browser tests and benchmark use. */
export const hasChromium = (): boolean => existsSync(CHROMIUM_PATH);

/** A running headless Chromium with its own fresh profile. */
export interface HeadlessChromium {
  readonly context: BrowserContext;
  /** Closes the browser and deletes its profile; idempotent. */
  close(): Promise<void>;
}

export interface HeadlessChromiumOptions {
  /** Default 1400 × 900, the console's smallest comfortable control-room size. */
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Extra command-line flags, after {@link HEADLESS_CHROMIUM_ARGS}. */
  readonly args?: readonly string[];
}

/**
 * Launches Debian's Chromium through playwright-core (never a downloaded browser) in a new
 * user-data directory, so that no run sees another's storage.
 */
export async function launchHeadlessChromium(options: HeadlessChromiumOptions = {}): Promise<HeadlessChromium> {
  const { viewport = { width: 1400, height: 900 }, args = [] } = options;
  if (!hasChromium()) throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'rtcc-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      viewport: { ...viewport },
      args: [...HEADLESS_CHROMIUM_ARGS, ...args],
    });
    let closing: Promise<void> | undefined;
    return {
      context,
      close: () =>
        (closing ??= context.close().finally(() => rmSync(userDataDir, { recursive: true, force: true }))),
    };
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
}

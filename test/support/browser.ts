import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_PATH, type HeadlessChromium, type HeadlessChromiumOptions, hasChromium, launchHeadlessChromium } from '../../console/launchHeadlessChromium';

/** Where the browser tests save their screenshots (git-ignored; docs/console.png is picked from here). */
export const SCREENSHOTS = join(__dirname, '..', '..', '.rtcc', 'screenshots');

/**
 * `describe` where Debian's Chromium is installed; elsewhere `describe.skip`, with a warning
 * that names the suite and how to install the browser, so that a skipped suite is never silent.
 */
export function describeWithChromium(name: string, suite: () => void): void {
  if (hasChromium()) {
    describe(name, suite);
    return;
  }
  console.warn(`skipped "${name}": no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  describe.skip(name, suite);
}

/** Debian's headless Chromium with a fresh profile (console/launchHeadlessChromium), and the screenshot folder made. */
export async function startChromium(options: HeadlessChromiumOptions = {}): Promise<HeadlessChromium> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return launchHeadlessChromium(options);
}

import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, which .ci/run installs when it is missing; tests drive it with playwright-core. */
export const CHROMIUM = process.env.CF_SHARES_CHROMIUM ?? '/usr/bin/chromium';

/**
 * A headless Chromium, or an error that says how to get one. Browser tests fail rather than skip without it: a
 * suite that silently skips them would pass with the HTML report never opened.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium; .ci/run does) or set CF_SHARES_CHROMIUM`,
    );
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

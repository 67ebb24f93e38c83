// Headless Chromium for the report tests: Debian's /usr/bin/chromium driven by
// playwright-core (no browser is ever downloaded). Without it the tests report themselves
// skipped, unless MOE_CUSP_REQUIRE_BROWSER=1 (CI), where that is a failure.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.MOE_CUSP_CHROMIUM || '/usr/bin/chromium';
const INSTALL = 'apt-get install chromium';

function required(): boolean {
  return process.env.MOE_CUSP_REQUIRE_BROWSER === '1';
}

/** Skip reason for node:test when there is no Chromium (and none is required). */
export function browserSkip(): string | false {
  if (existsSync(CHROMIUM_PATH) || required()) return false;
  return `no Chromium at ${CHROMIUM_PATH}; install: ${INSTALL} (or set MOE_CUSP_CHROMIUM)`;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`MOE_CUSP_REQUIRE_BROWSER is set but there is no Chromium at ${CHROMIUM_PATH}; install: ${INSTALL}`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-gpu-sandbox'],
  });
}

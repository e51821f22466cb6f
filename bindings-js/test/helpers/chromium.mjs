// Headless Chromium for the browser test and benchmark: the system's
// Chromium (Debian package `chromium`) driven by playwright-core, with a
// fresh profile and no network access beyond `origin`.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

/** The flags Chromium needs to run as root in a container, and to stay off the network. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts Chromium (CHROMIUM, default /usr/bin/chromium) and returns
 * `{context, close}`. Requests to anything but `origin` are aborted.
 */
export async function launchChromium(origin) {
  const profile = await mkdtemp(join(tmpdir(), 'openleash-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    viewport: { width: 1200, height: 900 },
  });
  await context.route('**/*', (route) =>
    route.request().url().startsWith(`${origin}/`) ? route.continue() : route.abort(),
  );
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

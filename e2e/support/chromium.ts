import type { LaunchOptions } from '@playwright/test';

/**
 * How every browser run here starts Debian's Chromium (never a downloaded one): the journeys,
 * the benchmarks, the soak and the cluster test.
 */
export const chromiumLaunchOptions: LaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    // The machine's network is closed: without these Chromium keeps calling home and is refused.
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    // WebGL on Mesa's llvmpipe: several times faster than SwiftShader for deck.gl.
    '--use-gl=angle',
    '--use-angle=gl-egl',
    '--ignore-gpu-blocklist',
  ],
};

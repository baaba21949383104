// Debian's Chromium, headless, driven by playwright-core, and kept off the network: background
// networking, component updates, sync and the like are switched off, every request to anything
// but the server under test is refused (and recorded, so a test can say the page asked for none),
// and a proxy that does not exist catches whatever slips past the page's own requests.
import fs from 'node:fs';

export const CHROMIUM = process.env.TRUCELINE_CHROMIUM || '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  // Containers often give /dev/shm a few megabytes; the page needs no GPU (SVG, no WebGL).
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-sync',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--disable-breakpad',
  '--metrics-recording-only',
  '--no-first-run',
  '--no-default-browser-check',
  '--no-pings',
  '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater',
  '--proxy-server=http://127.0.0.1:9',
  '--proxy-bypass-list=127.0.0.1;localhost',
];

export async function launch() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: run scripts/setup.sh --test (it installs Debian's chromium)`);
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new Error('playwright-core is not installed: run make web (npm ci in web/)');
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

// A page that may talk to `origin` only; returns the page, the list of refused
// addresses and the page's errors. `options` are the context's (DEFAULT: a 1280 × 800 desktop).
export async function offlinePage(browser, origin, options = { viewport: { width: 1280, height: 800 } }) {
  const context = await browser.newContext(options);
  const refused = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(`${origin}/`) || u.startsWith('data:')) return route.continue();
    refused.push(u);
    return route.abort();
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, refused, errors };
}

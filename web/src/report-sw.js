// The observer app's service worker (scope /report): keeps the page, its bundle (Leaflet within
// it) and the plan's zones, so that the app opens, draws the zones and takes reports with the
// server out of reach. Network first, so a phone that can reach the server always runs the
// current app; the cache when the network fails or dawdles. Reports are not its business: the
// page keeps them in IndexedDB and sends them itself, and POSTs pass through untouched.
//
// SHELL_VERSION is a hash of the bundle, written in by build.mjs: a new build is a new worker,
// which caches the new files and drops the old ones.
/* global SHELL_VERSION */
const SHELL = `truceline-report-shell-${SHELL_VERSION}`;
const DATA = 'truceline-report-data';
const FILES = ['/report', '/report.js', '/report.css'];
// A network that has not answered in this long is taken for none, when a copy is at hand.
const PATIENCE_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('truceline-report-shell-') && k !== SHELL).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// The cache key of a request: the page's addresses are one, and queries do not matter.
function keyOf(url) {
  if (url.pathname === '/report/' || url.pathname === '/report.html') return '/report';
  return url.pathname;
}

async function networkFirst(request, cacheName, key) {
  const cache = await caches.open(cacheName);
  const network = fetch(request).then((res) => {
    if (res.ok) cache.put(key, res.clone());
    return res;
  });
  const copy = await cache.match(key);
  if (!copy) return network;
  // The copy answers when the network fails, or is slow to; a late answer still refreshes it.
  const timeout = new Promise((resolve) => setTimeout(() => resolve(copy), PATIENCE_MS));
  return Promise.race([network.catch(() => copy), timeout]);
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  const key = keyOf(url);
  if (FILES.includes(key)) event.respondWith(networkFirst(request, SHELL, key));
  else if (key === '/v1/zones') event.respondWith(networkFirst(request, DATA, key));
});

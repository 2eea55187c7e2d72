/*
 * CryoPilot's service worker: makes the operator page installable and able to show its shell
 * (with the connection-lost overlay) when the service cannot be reached. It caches the app
 * shell only, and never live data:
 *
 * - a navigation goes to the network first (a fresh index.html with a fresh CSP nonce); only
 *   when the network fails is the last shell served, stored under one key ("/"), never under
 *   the URL asked for (a display link's key, a query, stay out of the cache);
 * - content-hashed build files (main-XXXXXXXX.js, styles-XXXXXXXX.css …) never change under
 *   their name: from the cache, else fetched and kept;
 * - the manifest and the icons: network first, the cache when offline;
 * - everything else — /api/*, /ws, any other method than GET, other origins — is not touched
 *   at all: the browser fetches it as if there were no worker.
 *
 * What a first visit downloads is what it shows, nothing more: at install the worker keeps
 * the shell (index.html and what it loads) and those of the build's files the browser already
 * holds (`only-if-cached`: the route the page opened, no second download), and every other
 * route's code the first time it is used. On a phone over a metered or weak link, code for
 * pages nobody opens is not fetched ahead; the cost is that an offline reload can only open
 * pages this browser has opened since the build was installed (another route waits for the
 * connection: the page retries it when the service is back, see core/pwa/route-retry.ts).
 *
 * Hand-written rather than @angular/service-worker: short enough to read in full, the one
 * rule that matters here (never live data) is this file's allow-list, and nothing to keep in
 * step with Angular's releases.
 *
 * The build stamps BUILD and BUILD_ASSETS (scripts/stamp-service-worker.mjs): each build
 * installs a new worker, which caches the new shell and drops the old caches.
 */
const BUILD = '__CRYOPILOT_BUILD__';
/** Every content-hashed script and style of the build (lazy routes included), stamped too. */
const BUILD_ASSETS = /* __CRYOPILOT_ASSETS__ */ [];
const CACHE = `cryopilot-shell-${BUILD}`;
const SHELL_KEY = '/';
const HASHED = /-[A-Z0-9]{8,}\.(js|css|woff2?|png|svg)$/;
const STATIC = new Set([
  '/manifest.webmanifest',
  '/favicon.ico',
  '/icons/icon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/maskable-512.png',
]);

/** Never handled by the worker: the API, the WebSocket, anything to do with signing in. */
function isLive(path) {
  return path === '/api' || path.startsWith('/api/') || path === '/ws' || path.startsWith('/ws/');
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const response = await fetch('/index.html', { cache: 'no-store' });
      if (!response.ok) throw new Error(`index.html: ${response.status}`);
      const html = await response.clone().text();
      await cache.put(SHELL_KEY, response);
      // The scripts and styles the shell loads, as the build named them.
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
        .map((m) => new URL(m[1], self.location.origin))
        .filter((url) => url.origin === self.location.origin && HASHED.test(url.pathname))
        .map((url) => url.pathname);
      await cache.addAll([...new Set(assets)]);
      // The build's other files only if the browser holds them already (the route this page
      // opened): a miss costs nothing and is fetched when first used.
      await Promise.all(
        BUILD_ASSETS.filter((path) => !assets.includes(path)).map((path) =>
          keepIfHeld(cache, path),
        ),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('cryopilot-shell-') && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isLive(url.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, SHELL_KEY));
  } else if (HASHED.test(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else if (STATIC.has(url.pathname)) {
    event.respondWith(networkFirst(request, url.pathname));
  }
  // Anything else: not handled, straight to the network.
});

/** Caches `path` from the browser's HTTP cache only; never a network request. */
async function keepIfHeld(cache, path) {
  try {
    const response = await fetch(path, { cache: 'only-if-cached', mode: 'same-origin' });
    if (response.ok) await cache.put(path, response);
  } catch {
    // Not held (the fetch fails with a cache miss): fetched when the page first needs it.
  }
}

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    // Only a real page is kept as the shell: never an error, a redirect or a 503 "not built".
    if (response.ok && response.type === 'basic') await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
  return response;
}

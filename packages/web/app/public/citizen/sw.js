// The citizen app's service worker: the app opens offline, and the last answers of the
// public read routes (turnout, results, booths, candidates) stay readable without a network.
const SHELL = 'ballotstream-citizen-shell-v1';
const DATA = 'ballotstream-citizen-data-v1';
const SAVED_PATHS = ['/turnout', '/tallies', '/constituencies', '/candidates', '/booths'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(['/citizen/', '/citizen/manifest.webmanifest', '/citizen/icon.svg']))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n !== SHELL && n !== DATA).map((n) => caches.delete(n))),
      )
      .then(() => self.clients.claim()),
  );
});

// Network first, falling back to the last saved answer: results must be fresh when they can be.
async function networkFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const saved = await cache.match(request);
    if (saved) return saved;
    throw error;
  }
}

// Hashed assets never change under their name, so the cached copy is always right.
async function cacheFirst(request) {
  const cache = await caches.open(SHELL);
  const saved = await cache.match(request);
  if (saved) return saved;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === 'navigate' && url.pathname.startsWith('/citizen')) {
    event.respondWith(networkFirst(new Request('/citizen/'), SHELL));
  } else if (SAVED_PATHS.some((p) => url.pathname === p || url.pathname.startsWith(`${p}/`))) {
    event.respondWith(networkFirst(request, DATA));
  }
});

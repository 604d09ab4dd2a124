// The field app's service worker (scope /field/): the shell and its files from the cache when there
// is no network, and the queue sent by Background Sync when the network returns.
import { syncQueue } from "{{ sync }}";
import { sync as syncDuty } from "{{ duty }}";

const CACHE = "field-{{ version }}";
const PRECACHE = {{ precache|safe }};
const SHELL = PRECACHE[0];
const WAIT_FOR_NETWORK_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("field-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

// The shell: the network's copy when it answers soon (a new language, a new version), else the cache.
async function shell(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await Promise.race([
      fetch(request),
      new Promise((_, reject) => setTimeout(() => reject(new Error("slow")), WAIT_FOR_NETWORK_MS)),
    ]);
    if (response.ok) cache.put(SHELL, response.clone());
    return response;
  } catch {
    return (await cache.match(SHELL)) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === SHELL) {
    event.respondWith(shell(request));
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === "field-queue") event.waitUntil(syncQueue());
  if (event.tag === "field-duty") event.waitUntil(syncDuty());
});

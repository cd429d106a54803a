// Tsunagu's service worker: keeps the app shell so the app opens with no
// network. The build script stamps BUILD with a hash of the bundle and the
// bundle's content-hashed file names into SHELL; one cache per build, served
// cache-first, so a page never mixes files of two versions. A new version waits until the page asks for it (the user taps
// "reload" on the banner); the old cache goes when the new worker activates.
// Sync traffic (WebSocket) and server functions (POST) are never cached.
// The split modules (the office's screens) are not part of the shell: a
// tablet fetches one only when a screen needs it, and keeps it in this
// build's cache from then on.
const BUILD = "__BUILD__";
const CACHE = "tsunagu-shell-" + BUILD;
const SHELL = [
  "/",
  "/pkg/__BUNDLE__.js",
  "/pkg/__BUNDLE__.split.js",
  "/pkg/__BUNDLE___bg.wasm",
  "/pkg/__BUNDLE__.css",
  "/pwa.js",
  "/favicon.svg",
  "/manifest.webmanifest",
];

// The addresses of the app's screens (app/src/local/screen.rs).
const SPLIT_MODULE = "/pkg/__BUNDLE__.split_";

const SCREENS = /^\/(person\/[^/]+(\/new\/[^/]+)?|record\/[^/]+|programme(\/[^/]+)?|audit|report)?$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      cache.addAll(SHELL.map((path) => new Request(path, { cache: "reload", credentials: "same-origin" })))
    )
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith("tsunagu-shell-") && key !== CACHE)
            .map((key) => caches.delete(key))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Every screen's address is the one app shell; the app picks the screen
  // itself. Other addresses go to the server, which says they do not exist
  // (the shell drawn at an address the app does not know would not match).
  const screen = request.mode === "navigate" && SCREENS.test(url.pathname);
  if (request.mode === "navigate" && !screen) return;
  const path = screen ? "/" : url.pathname;
  if (path.startsWith(SPLIT_MODULE) && path.endsWith(".wasm")) {
    event.respondWith(keepSplitModule(request));
    return;
  }
  if (!SHELL.includes(path)) return;
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(path).then((hit) => hit || fetch(request))
    )
  );
});

// A split module from this build's cache, else from the network, kept
// once it has arrived whole. A full disk only means it is not kept: the
// screen still opens.
async function keepSplitModule(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) {
    try {
      await cache.put(request, response.clone());
    } catch (error) {
      console.warn("tsunagu: a split module was not kept offline", error);
    }
  }
  return response;
}

/* FieldOps service worker (served at /sw.js, scope "/"; rendered by fieldops/pwa/views.py).
 *
 * - precaches the app shell under a cache named after the shell's hash; a deploy changes
 *   the hash, so the browser installs this worker anew and the old shell cache is deleted
 *   on activate. The new worker waits until the page asks it to take over ("Reload").
 * - pages: network first; a good answer is saved in the pages cache; without a network
 *   (or after NETWORK_TIMEOUT with a saved copy) the saved copy, else the offline page.
 * - "cache-pages" messages from the Today page save the pages needed on site.
 * - Background Sync flushes the outbox with the same code as the page (outbox.js,
 *   outbox-http.js, outbox-send.js); names shared with the page come from constants.js.
 * - Web Push (docs/push.md): a push message is shown as a notification; tapping it opens
 *   its page in the app (a window already on that page is focused instead).
 */
// biome-ignore lint/suspicious/noRedundantUseStrict: a classic script, not a module
"use strict";

// Filled in by fieldops/pwa/views.py. Each value sits inside a string, so this template is
// plain JavaScript to Biome as well as to Jinja; the lists arrive as JSON in raw strings,
// which hand their backslashes ("\\d") to JSON.parse untouched.
const VERSION = "{{ version }}";
// biome-ignore lint/complexity/noUselessStringRaw: the rendered JSON may hold backslashes
const SHELL = JSON.parse(String.raw`{{ shell|tojson }}`);
// The pages saved on the phone, made from the app's routes (fieldops/pwa/saved.py).
// biome-ignore lint/complexity/noUselessStringRaw: the rendered JSON holds backslashes
const PAGES = JSON.parse(String.raw`{{ pages|tojson }}`).map((source) => new RegExp(source));
importScripts("{{ scripts['constants'] }}");
importScripts("{{ scripts['outbox'] }}");
importScripts("{{ scripts['outbox-http'] }}");
importScripts("{{ scripts['outbox-send'] }}");

const { PAGES_CACHE, SAVED_AT, SYNC_TAG } = self.FieldOpsConstants;
const SHELL_CACHE = `fieldops-shell-${VERSION}`;
const OFFLINE_URL = "/offline";
const NETWORK_TIMEOUT = 8000; // ms before a saved copy is shown instead of waiting longer
const FRESH_MS = 60 * 1000; // a saved page younger than this is not fetched again
const THUMBNAIL = /^\/api\/photos\/\d+\/thumbnail$/;
const ICON = SHELL.find((url) => url.endsWith("/icons/icon-192.png"));

self.addEventListener("install", (event) => {
  // The shell pages are fetched without cookies: they must not carry anyone's name.
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) =>
        cache.addAll(
          SHELL.map((url) => new Request(url, { cache: "reload", credentials: "omit" })),
        ),
      ),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith("fieldops-shell-") && name !== SHELL_CACHE)
          .map((name) => caches.delete(name)),
      );
      if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "skip-waiting") {
    self.skipWaiting();
  } else if (data.type === "claim") {
    event.waitUntil(self.clients.claim()); // a page that loaded while this worker activated
  } else if (data.type === "cache-pages" && Array.isArray(data.urls)) {
    event.waitUntil(
      cachePages(data.urls, Boolean(data.force)).then((count) => {
        if (event.source) event.source.postMessage({ type: "pages-cached", count });
      }),
    );
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(
    self.FieldOpsOutbox.flush({ force: true }).then((result) => {
      // Rejecting asks the browser to try again later; a signed-out user must sign in first.
      if (result.status === "offline" || result.status === "error") throw new Error(result.status);
    }),
  );
});

self.addEventListener("push", (event) => {
  const message = pushMessage(event.data);
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: message.body,
      tag: message.tag,
      data: { url: message.url },
      icon: ICON,
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openPage(event.notification.data?.url));
});

// The server's payload {title, body, url, tag}; whatever else arrives still shows something.
function pushMessage(data) {
  let message = {};
  try {
    message = data ? data.json() : {};
  } catch {
    message = { body: data.text() };
  }
  return {
    title: String(message.title || "FieldOps"),
    body: String(message.body || ""),
    url: String(message.url || "/"),
    tag: String(message.tag || ""), // a new message of the same tag replaces the shown one
  };
}

// A page of this app only: a URL elsewhere (or none that parses) opens the start page.
function appUrl(target) {
  const home = new URL("/", self.location.origin);
  try {
    const url = new URL(target || "/", home);
    return url.origin === home.origin ? url.href : home.href;
  } catch {
    return home.href;
  }
}

async function openPage(target) {
  const url = appUrl(target);
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.find((client) => client.url === url);
  if (open) return open.focus();
  return self.clients.openWindow(url);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(event, url));
  } else if (SHELL.includes(url.pathname) && !url.search) {
    event.respondWith(
      caches
        .open(SHELL_CACHE)
        .then((cache) => cache.match(url.pathname))
        .then((hit) => hit || fetch(request)),
    );
  } else if (THUMBNAIL.test(url.pathname)) {
    event.respondWith(thumbnail(event, request));
  }
});

// Photo thumbnails seen online stay viewable offline (in the pages cache: cleared on sign-out).
function thumbnail(event, request) {
  let saving = Promise.resolve();
  const answer = fetch(request).then(
    (response) => {
      if (response.ok) {
        const copy = response.clone();
        saving = caches
          .open(PAGES_CACHE)
          .then((cache) => cache.put(request, copy))
          .catch(() => {});
      }
      return response;
    },
    () =>
      caches
        .open(PAGES_CACHE)
        .then((cache) => cache.match(request))
        .then((hit) => hit || Response.error()),
  );
  event.waitUntil(
    answer.then(
      () => saving,
      () => undefined,
    ),
  );
  return answer;
}

// A page from the network, saved for later; the saved copy when the network fails.
async function navigate(event, url) {
  const saveable = PAGES.some((pattern) => pattern.test(url.pathname));
  let saving = Promise.resolve();
  const network = (async () => {
    const response = (await event.preloadResponse) || (await fetch(event.request));
    if (saveable && response.ok && response.type === "basic" && !response.redirected) {
      saving = savePage(url.href, response.clone()).catch(() => {});
    }
    return response;
  })();
  // Keeps the worker alive until the page is saved, also when a saved copy answered first.
  event.waitUntil(
    network.then(
      () => saving,
      () => undefined,
    ),
  );
  return new Promise((resolve) => {
    let done = false;
    const finish = (response) => {
      if (!done) {
        done = true;
        resolve(response);
      }
    };
    // A slow network inside a store: after a while a saved copy beats waiting.
    const timer = setTimeout(
      () => savedPage(url).then((saved) => saved && finish(saved)),
      NETWORK_TIMEOUT,
    );
    network.then(
      async (response) => {
        clearTimeout(timer);
        if (response.status >= 500) finish((await savedPage(url)) || response);
        else finish(response);
      },
      async () => {
        clearTimeout(timer);
        finish((await savedPage(url)) || (await offlinePage()));
      },
    );
  });
}

// Saved with the time it was saved, and without the "redirected" mark (a navigation may
// not be answered with a redirected response).
async function savePage(key, response) {
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  headers.delete("Content-Encoding");
  headers.set(SAVED_AT, String(Date.now()));
  const body = await response.blob();
  const cache = await caches.open(PAGES_CACHE);
  await cache.put(key, new Response(body, { status: 200, headers }));
}

// The saved copy of a page, marked so the page can say it is a saved copy.
async function savedPage(url) {
  const cache = await caches.open(PAGES_CACHE);
  let hit = await cache.match(url.href);
  if (!hit && SHELL.includes(url.pathname))
    hit = await caches.match(url.pathname, { cacheName: SHELL_CACHE });
  return hit ? marked(hit) : null;
}

// A copy from a cache, marked so that its scripts know it is not the server's answer now.
async function marked(hit) {
  const html = await hit.text();
  const headers = new Headers(hit.headers);
  headers.delete("Content-Length");
  return new Response(
    html.replace("<head>", '<head>\n  <meta name="served-from" content="cache">'),
    { status: 200, headers },
  );
}

async function offlinePage() {
  const hit = await caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE });
  return hit
    ? marked(hit)
    : new Response("You are offline.", {
        status: 503,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
}

// Save the pages the Today page lists (a few at a time), unless saved a moment ago and
// nothing was synced since.
async function cachePages(urls, force) {
  const cache = await caches.open(PAGES_CACHE);
  const synced = Number(await self.FieldOpsOutbox.getMeta("synced_at")) || 0;
  const fresh = force ? Infinity : Math.max(Date.now() - FRESH_MS, synced);
  const queue = urls.filter((url) =>
    PAGES.some((p) => p.test(new URL(url, self.location).pathname)),
  );
  let saved = 0;
  const worker = async () => {
    while (queue.length) {
      const key = new URL(queue.shift(), self.location).href;
      const hit = await cache.match(key);
      if (hit && Number(hit.headers.get(SAVED_AT)) > fresh) continue;
      try {
        const response = await fetch(key, { credentials: "same-origin", cache: "no-store" });
        // Redirected to the sign-in page (the session ended) or away (a captive portal):
        // not the page, so the old copy stays. "/" and /my-store redirect within the app.
        const to = new URL(response.url);
        if (!response.ok || to.origin !== self.location.origin || to.pathname === "/login")
          continue;
        await savePage(key, response);
        saved += 1;
      } catch {
        return; // offline again: the rest waits for the next visit of Today
      }
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return saved;
}

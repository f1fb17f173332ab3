// The installable app: the service worker, its updates, and the banners that say when a
// page is a copy saved on the phone. Every page works without this module.

import "./constants.js";
import { h as element, formatWhen, setBanner } from "./ui.js";

const { PAGES_CACHE, SAVED_AT } = self.FieldOpsConstants;
let reloading = false;

function offlineBanner() {
  const fromCache = Boolean(document.querySelector('meta[name="served-from"]'));
  const stamp = document.querySelector('meta[name="rendered-at"]');
  const saved = stamp ? `showing the copy saved at ${formatWhen(new Date(stamp.content))}` : null;
  if (!navigator.onLine) {
    setBanner("offline", {
      kind: "warn",
      text: saved
        ? `Offline: ${saved}.`
        : "Offline: what you enter is kept on this phone and sent when the network returns.",
    });
  } else if (fromCache && saved) {
    setBanner("offline", {
      kind: "warn",
      text: `The network did not answer: ${saved}.`,
      actions: [{ label: "Reload", onClick: () => location.reload() }],
    });
  } else {
    setBanner("offline", null);
  }
}

function watchForUpdates(registration) {
  const offer = () => {
    if (!registration.waiting || !navigator.serviceWorker.controller) return;
    setBanner("update", {
      kind: "info",
      text: "A new version is ready —",
      actions: [
        {
          label: "Reload",
          onClick: () => {
            reloading = true;
            // Another tab may have applied it already: then this one just reloads.
            if (registration.waiting) registration.waiting.postMessage({ type: "skip-waiting" });
            else location.reload();
          },
        },
      ],
    });
  };
  offer();
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    if (worker)
      worker.addEventListener("statechange", () => {
        if (worker.state === "installed") offer();
      });
  });
  // A phone may keep the app open for days: look for a new version every hour.
  setInterval(() => registration.update().catch(() => {}), 60 * 60 * 1000);
}

// The Today page lists the pages needed on site; the service worker saves them.
export function savePagesForOffline(force = false) {
  const meta = document.querySelector('meta[name="offline-pages"]');
  if (!meta || !navigator.onLine || !("serviceWorker" in navigator)) return;
  const urls = meta.content.split(/\s+/).filter(Boolean);
  navigator.serviceWorker.ready.then((registration) => {
    if (registration.active) registration.active.postMessage({ type: "cache-pages", urls, force });
  });
}

export function forgetSavedPages() {
  return "caches" in window ? caches.delete(PAGES_CACHE) : Promise.resolve();
}

// The offline page lists what is saved on the phone, each page once under its own title
// ("Add observation — Westside Honda"); a title two pages share gets the address added.
// An observation form for one category is left out: its store's form links to it.
async function listSavedPages() {
  const box = document.querySelector("[data-saved-pages]");
  if (!box || !("caches" in window)) return;
  const cache = await caches.open(PAGES_CACHE);
  const pages = new Map();
  for (const request of await cache.keys()) {
    const url = new URL(request.url);
    const href = url.pathname + url.search;
    if (url.pathname.startsWith("/api/") || url.pathname === "/" || pages.has(href)) continue;
    if (url.pathname === "/observations/new" && url.searchParams.has("category")) continue;
    const response = await cache.match(request);
    const match = /<title>([^<]*)<\/title>/.exec(await response.text());
    const title = match
      ? new DOMParser().parseFromString(match[1], "text/html").documentElement.textContent
      : url.pathname;
    const savedAt = Number(response.headers.get(SAVED_AT));
    pages.set(href, { title: title.replace(/ · FieldOps$/, "").trim(), savedAt });
  }
  const counts = new Map();
  for (const { title } of pages.values()) counts.set(title, (counts.get(title) || 0) + 1);
  const rows = [...pages].map(([href, { title, savedAt }]) =>
    element(
      "li",
      {},
      element(
        "div",
        { class: "row" },
        element("a", { href }, counts.get(title) > 1 ? `${title} (${href})` : title),
        savedAt
          ? element("span", { class: "muted small" }, `saved ${formatWhen(new Date(savedAt))}`)
          : null,
      ),
    ),
  );
  if (!rows.length) return;
  box.querySelector("[data-saved-list]").append(...rows);
  box.hidden = false;
}

export function initPwa() {
  offlineBanner();
  window.addEventListener("online", offlineBanner);
  window.addEventListener("offline", offlineBanner);
  listSavedPages();
  if (!("serviceWorker" in navigator)) return;
  // A new version took over (from this tab's "Reload" or another's): a page still running
  // the old scripts offers to reload rather than reloading under the user's hands.
  const hadController = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloading) location.reload();
    else if (hadController) {
      setBanner("update", {
        kind: "info",
        text: "A new version is ready —",
        actions: [
          {
            label: "Reload",
            onClick: () => location.reload(),
          },
        ],
      });
    }
  });
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.type === "pages-cached") {
      document.documentElement.dataset.pagesSaved = String(event.data.count);
    }
  });
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(watchForUpdates, () => {});
  // A page that loaded while the first worker was activating is not claimed: ask again.
  navigator.serviceWorker.ready.then((registration) => {
    if (!navigator.serviceWorker.controller && registration.active) {
      registration.active.postMessage({ type: "claim" });
    }
  });
  if (document.readyState === "complete") savePagesForOffline();
  else window.addEventListener("load", () => savePagesForOffline(), { once: true });
}

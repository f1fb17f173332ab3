/* Names shared by the pages and the service worker, defined once.
 *
 * A plain script, like outbox.js: the pages import it (pwa.js, outbox-state.js) and the
 * service worker loads it with importScripts. Both read self.FieldOpsConstants.
 */
self.FieldOpsConstants = Object.freeze({
  // The cache of the pages saved on the phone (and of photo thumbnails seen online).
  PAGES_CACHE: "fieldops-pages",
  // The header a saved page carries: when it was saved, in ms since the epoch.
  SAVED_AT: "X-FieldOps-Saved-At",
  // The Background Sync tag under which the service worker flushes the outbox.
  SYNC_TAG: "fieldops-outbox",
});

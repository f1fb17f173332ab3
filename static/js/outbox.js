/* FieldOps outbox: what the user entered, kept in IndexedDB until the server has it.
 *
 * A plain script, so the same code runs in the page (imported by app.js) and in the
 * service worker (importScripts, for Background Sync). Both get self.FieldOpsOutbox.
 *
 * Items: {client_id, kind: "op"|"photo", type, payload, created_at, seq, state, error,
 * current, attempts, next_try, label, page, user_id} and, for photos, {blob, filename,
 * parent (client id of the record's op) or target_id, target ("observation_id"|"issue_id")}.
 * States: waiting, rejected (the server refused it: fix or discard), conflict (the record
 * changed: re-apply or discard). Nothing leaves the outbox but on the server's "applied" or
 * "duplicate" (a photo: 200/201), or when the user discards it.
 */
(function (global) {
  "use strict";

  const DB_NAME = "fieldops";
  const ITEMS = "outbox";
  const META = "meta";
  const BATCH = 100; // operations per POST /api/sync
  const BASE_DELAY = 5000; // first retry after a network error or a 5xx, then doubling
  const MAX_DELAY = 30 * 60 * 1000;
  const MAX_FAILURES = 5; // of an item's own, before it is shown as refused
  const TRANSIENT = new Set([408, 425, 429]); // answers that pass: sent again later
  const KEEP_IDS_MS = 7 * 24 * 60 * 60 * 1000;
  const TIMEOUT = 30000;
  const PHOTO_TIMEOUT = 120000;
  const CHANNEL = "fieldops-outbox";

  let dbPromise = null;
  let seq = 0;
  const listeners = new Set();
  const channel = "BroadcastChannel" in global ? new BroadcastChannel(CHANNEL) : null;
  if (channel) channel.onmessage = () => listeners.forEach((fn) => fn());

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          request.result.createObjectStore(ITEMS, { keyPath: "client_id" });
          request.result.createObjectStore(META);
        };
        request.onsuccess = () => {
          const db = request.result;
          db.onversionchange = () => { db.close(); dbPromise = null; };
          resolve(db);
        };
        request.onerror = () => { dbPromise = null; reject(request.error); };
      });
    }
    return dbPromise;
  }

  async function run(store, mode, action) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      let request;
      try {
        request = action(tx.objectStore(store));
      } catch (err) { // a write refused (storage full): none of the transaction's writes stay
        tx.abort();
        reject(err);
        return;
      }
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  }

  const all = () => run(ITEMS, "readonly", (s) => s.getAll())
    .then((items) => items.sort((a, b) => a.seq - b.seq));
  const get = (id) => run(ITEMS, "readonly", (s) => s.get(id));
  const getMeta = (key) => run(META, "readonly", (s) => s.get(key));
  const setMeta = (key, value) => run(META, "readwrite", (s) => s.put(value, key));

  function changed() {
    listeners.forEach((fn) => fn());
    if (channel) channel.postMessage("changed");
  }
  // Several items in one transaction: all of them are saved, or none.
  async function putAll(items) {
    await run(ITEMS, "readwrite", (s) => { items.forEach((item) => s.put(item)); });
    changed();
  }
  const put = (item) => putAll([item]);
  async function remove(id) { await run(ITEMS, "readwrite", (s) => s.delete(id)); changed(); }

  // What the sender learnt about an item it read before its request, written in one
  // transaction, unless the item is gone (discarded) or the user changed it meanwhile
  // (fixed or sent again: its revision moved on).
  async function update(seen, changes) {
    await run(ITEMS, "readwrite", (s) => {
      const request = s.get(seen.client_id);
      request.onsuccess = () => {
        const item = request.result;
        if (item && (item.rev || 0) === (seen.rev || 0)) s.put({ ...item, ...changes });
      };
    });
    changed();
  }
  function onChange(fn) { listeners.add(fn); }

  function uuid() {
    if (global.crypto && global.crypto.randomUUID) return global.crypto.randomUUID();
    const b = global.crypto.getRandomValues(new Uint8Array(16)); // plain-HTTP fallback
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // ISO 8601 with the device's offset: 2026-03-04T09:02:11-06:00.
  function isoLocal(date) {
    const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
    const offset = -date.getTimezoneOffset();
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T` +
      `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
      `${offset < 0 ? "-" : "+"}${pad(offset / 60)}:${pad(offset % 60)}`;
  }

  function newItem(fields, now) {
    seq += 1;
    return {
      client_id: uuid(), created_at: isoLocal(now), seq: now.getTime() * 1000 + (seq % 1000),
      state: "waiting", error: null, current: null, attempts: 0, next_try: 0, ...fields,
    };
  }

  // Queue an operation for POST /api/sync, and its photos to upload after it: saved
  // together in one transaction, so a failure (storage full) leaves nothing half-queued.
  async function enqueue({ type, payload, label, page, origin, user_id, photos = [], at }) {
    const now = at || new Date();
    const op = newItem({ kind: "op", type, payload, label, page, origin, user_id }, now);
    await putAll([op, ...photos.map((photo) => newItem({
      kind: "photo", type: "photo", label: photo.label || `Photo for: ${label}`, page, origin, user_id,
      blob: photo.blob, filename: photo.filename || "photo.jpg", target: photo.target,
      parent: photo.target_id ? null : op.client_id, target_id: photo.target_id || null,
    }, now))]);
    return op;
  }

  // Queue a photo for a record the server already has (an issue's "Add photo").
  async function enqueuePhoto({ blob, filename, target, target_id, label, page, origin, user_id, at }) {
    const item = newItem({
      kind: "photo", type: "photo", label, page, origin, user_id, blob, filename, target, target_id,
      parent: null,
    }, at || new Date());
    await put(item);
    return item;
  }

  // --- sending ---

  class Stop extends Error {
    constructor(status, detail) { super(status); this.status = status; this.detail = detail; }
  }

  // fetch with a timeout. No answer, or an answer that is not the app's (a captive
  // portal's page, a redirect to one, a proxy's error page), counts as being offline.
  async function request(url, options, timeout) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout || TIMEOUT);
    let response;
    try {
      response = await fetch(url, {
        credentials: "same-origin", cache: "no-store", signal: controller.signal, ...options,
        headers: { Accept: "application/json", ...(options && options.headers) },
      });
    } catch (err) {
      throw new Stop("offline", String(err));
    } finally {
      clearTimeout(timer);
    }
    if (response.redirected || !(response.headers.get("Content-Type") || "").includes("json")) {
      throw new Stop("offline", `not the app's answer (HTTP ${response.status})`);
    }
    return response;
  }

  async function bodyOf(response) {
    try { return await response.json(); } catch (err) {
      return { code: response.status, status: response.statusText, message: `HTTP ${response.status}` };
    }
  }

  // Try again later, waiting longer each time. A failure that is the item's own counts
  // towards MAX_FAILURES, after which the item is shown with the reason, for the user to
  // send again or discard, instead of holding the queue in silence.
  async function backOff(items, detail, itsOwn = false) {
    for (const item of items) {
      const attempts = (item.attempts || 0) + 1;
      const failures = (item.failures || 0) + (itsOwn ? 1 : 0);
      const delay = Math.min(MAX_DELAY, BASE_DELAY * 2 ** (attempts - 1));
      await update(item, failures >= MAX_FAILURES
        ? { state: "rejected", attempts, failures, error: { code: 0, message: `Not sent after ${failures} tries: ${detail}` } }
        : { attempts, failures, next_try: Date.now() + delay * (0.8 + Math.random() * 0.4), last_error: detail });
    }
  }

  // A POST carrying the CSRF token; a token refused (expired after days offline) is
  // fetched anew and the request sent once more.
  async function post(url, state, { headers, body }, timeout) {
    for (let attempt = 0; ; attempt += 1) {
      const response = await request(url, {
        method: "POST", headers: { ...headers, "X-CSRFToken": state.token }, body,
      }, timeout);
      if (response.status !== 400 || attempt > 0) return response;
      const detail = await bodyOf(response.clone());
      if (!/csrf/i.test(detail.message || "")) return response;
      state.token = await fetchToken();
    }
  }

  async function fetchToken() {
    const response = await request("/api/auth/csrf");
    if (!response.ok) throw new Stop("error", `csrf: HTTP ${response.status}`);
    return (await response.json()).csrf_token;
  }

  // Who is signed in: items are only ever sent with their own author's session.
  async function whoAmI() {
    const response = await request("/api/me");
    if (response.status === 401) throw new Stop("signed_out");
    if (!response.ok) throw new Stop("error", `me: HTTP ${response.status}`);
    return response.json();
  }

  // The server's trouble, not the item's: sent again later as it is.
  const passing = (status) => status >= 500 || TRANSIENT.has(status);

  async function sendOps(ops, state) {
    const response = await post("/api/sync", state, {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        operations: ops.map((o) => ({
          client_id: o.client_id, type: o.type, payload: o.payload, created_at: o.created_at,
        })),
      }),
    });
    if (response.status === 401) throw new Stop("signed_out");
    if (response.status === 413 && ops.length > 1) {
      const half = Math.ceil(ops.length / 2);
      await sendOps(ops.slice(0, half), state);
      await sendOps(ops.slice(half), state);
      return;
    }
    if (!response.ok) {
      const body = await bodyOf(response);
      if (passing(response.status) || response.status === 404) { // 404: an older server
        state.failed = body.message || `HTTP ${response.status}`;
        await backOff(ops, state.failed);
        return;
      }
      for (const op of ops) { // the batch as a whole was refused: say so on every item
        await update(op, { state: "rejected", error: body });
        state.rejected += 1;
      }
      return;
    }
    const { results } = await response.json();
    const byId = new Map(ops.map((o) => [o.client_id, o]));
    for (const result of results || []) {
      const op = byId.get(result.client_id);
      if (!op) continue;
      if (result.status === "applied" || result.status === "duplicate") {
        await setMeta(`id:${op.client_id}`, { id: result.id, type: op.type, at: Date.now() });
        await remove(op.client_id);
        state.applied.push(op);
      } else {
        await update(op, {
          state: result.status === "conflict" ? "conflict" : "rejected",
          error: result.error, current: result.current || null,
        });
        state.rejected += 1;
      }
    }
  }

  // The id of the record a photo belongs to; null while its record waits to be sent.
  async function targetOf(photo, items) {
    if (photo.target_id) return photo.target_id;
    if (items.some((i) => i.client_id === photo.parent)) return null;
    const known = await getMeta(`id:${photo.parent}`);
    if (known && known.id) return known.id;
    throw new Error("The record this photo belongs to was not saved (discarded?).");
  }

  async function sendPhoto(photo, state, items) {
    let targetId;
    try {
      targetId = await targetOf(photo, items);
    } catch (err) {
      await update(photo, { state: "rejected", error: { code: 0, message: err.message } });
      state.rejected += 1;
      return;
    }
    if (targetId === null) return;
    const form = new FormData();
    form.append("client_id", photo.client_id);
    form.append(photo.target, String(targetId));
    form.append("file", photo.blob, photo.filename || "photo.jpg");
    let response;
    try { // a slow link gets longer for a large photo (at least 20 kB/s)
      response = await post("/api/photos", state, { body: form }, PHOTO_TIMEOUT + (photo.blob.size || 0) / 20);
    } catch (err) {
      if (!(err instanceof Stop) || err.status !== "offline") throw err;
      await whoAmI(); // still offline: this throws and the flush stops here
      // The server answers, so the failure is this photo's own (an unreadable file, a
      // timeout): it counts, and the other photos go on.
      await backOff([photo], err.detail, true);
      state.photoFailed = err.detail;
      return;
    }
    if (response.status === 401) throw new Stop("signed_out");
    if (response.ok) {
      await remove(photo.client_id);
      state.applied.push(photo);
    } else if (passing(response.status)) {
      state.failed = `HTTP ${response.status}`;
      await backOff([photo], state.failed);
    } else { // 413 too large, 422 not an image, 404 record gone: the user decides
      await update(photo, { state: "rejected", error: await bodyOf(response) });
      state.rejected += 1;
    }
  }

  // The server's ids of sent records are kept for their photos still to send; a week on,
  // with no photo waiting for them, they go.
  async function pruneIds(items) {
    const parents = new Set(items.map((item) => item.parent).filter(Boolean));
    const cutoff = Date.now() - KEEP_IDS_MS;
    await run(META, "readwrite", (s) => {
      const cursor = s.openCursor();
      cursor.onsuccess = () => {
        const at = cursor.result;
        if (!at) return;
        const key = String(at.key);
        if (key.startsWith("id:") && !(at.value.at >= cutoff) && !parents.has(key.slice(3))) at.delete();
        at.continue();
      };
    });
  }

  const due = (item, force) => item.state === "waiting" && (force || !item.next_try || item.next_try <= Date.now());

  async function flushNow(force) {
    let items = await all();
    if (!items.some((i) => due(i, force))) return { status: "idle", applied: [], rejected: 0 };
    const state = { applied: [], rejected: 0, failed: null, photoFailed: null, token: null };
    try {
      const me = await whoAmI();
      await setMeta("session", { state: "ok", user_id: me.id, at: Date.now() });
      const mine = (item) => !item.user_id || String(item.user_id) === String(me.id);
      state.token = await fetchToken();
      const ops = items.filter((i) => i.kind === "op" && mine(i) && due(i, force));
      for (let start = 0; start < ops.length && !state.failed; start += BATCH) {
        await sendOps(ops.slice(start, start + BATCH), state);
      }
      items = await all();
      for (const photo of items.filter((i) => i.kind === "photo" && mine(i) && due(i, force))) {
        if (state.failed) break;
        await sendPhoto(photo, state, items);
      }
      await pruneIds(await all());
    } catch (err) {
      if (!(err instanceof Stop)) throw err;
      if (err.status === "signed_out") await setMeta("session", { state: "expired", at: Date.now() });
      if (err.status === "offline") {
        await backOff((await all()).filter((i) => due(i, force)), "offline");
      }
      return { status: err.status, applied: state.applied, rejected: state.rejected, detail: err.detail };
    } finally {
      if (state.applied.length) await setMeta("synced_at", Date.now());
      await setMeta("last_flush", { at: Date.now(), failed: state.failed });
    }
    const failed = state.failed || state.photoFailed;
    return { status: failed ? "error" : "ok", applied: state.applied, rejected: state.rejected, detail: failed };
  }

  // One flush at a time across the tabs and the service worker (the server would answer a
  // repeat with "duplicate", but there is no need to send twice); where the browser has no
  // Web Locks (Safari before 15.4), one at a time in this page.
  let running = null;
  function flush(options) {
    const force = Boolean(options && options.force);
    const locks = global.navigator && global.navigator.locks;
    if (locks) return locks.request("fieldops-outbox", () => flushNow(force));
    if (!running) running = flushNow(force).finally(() => { running = null; });
    return running;
  }

  // --- the user's decisions (each moves the item's revision on: see update) ---

  async function retry(id, payload) {
    const item = await get(id);
    if (!item) return;
    if (payload) item.payload = payload;
    if (item.state === "conflict" && item.current && item.current.version !== undefined) {
      item.payload = { ...item.payload, version: item.current.version }; // on top of it
    }
    Object.assign(item, {
      state: "waiting", error: null, current: null, attempts: 0, failures: 0, next_try: 0,
      rev: (item.rev || 0) + 1,
    });
    await put(item);
  }

  // Discarding a record discards the photos waiting for it too.
  async function discard(id) {
    for (const item of await all()) {
      if (item.client_id === id || item.parent === id) await remove(item.client_id);
    }
  }

  global.FieldOpsOutbox = {
    all, get, enqueue, enqueuePhoto, flush, retry, discard, onChange, getMeta, setMeta, isoLocal,
  };
})(self);

/* FieldOps outbox: what the user entered, kept in IndexedDB until the server has it.
 *
 * A plain script, so the same code runs in the page (imported by outbox-state.js) and in
 * the service worker (importScripts, for Background Sync). Both get self.FieldOpsOutbox;
 * outbox-send.js adds its sending (flush).
 *
 * Items: {client_id, kind: "op"|"photo", type, payload, created_at, seq, state, error,
 * current, attempts, next_try, label, page, user_id} and, for photos, {blob, filename,
 * parent (client id of the record's op) or target_id, target ("observation_id"|"issue_id")}.
 * States: waiting, rejected (the server refused it: fix or discard), conflict (the record
 * changed: re-apply or discard). Nothing leaves the outbox but on the server's "applied" or
 * "duplicate" (a photo: 200/201), or when the user discards it.
 */
((global) => {
  // biome-ignore lint/suspicious/noRedundantUseStrict: a classic script in the service worker
  "use strict";

  const DB_NAME = "fieldops";
  const ITEMS = "outbox";
  const META = "meta";
  const KEEP_IDS_MS = 7 * 24 * 60 * 60 * 1000;
  const CHANNEL = "fieldops-outbox";

  let dbPromise = null;
  let seq = 0;
  const listeners = new Set();
  const notify = () => {
    for (const fn of listeners) fn();
  };
  const channel = "BroadcastChannel" in global ? new BroadcastChannel(CHANNEL) : null;
  if (channel) channel.onmessage = notify;

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
          db.onversionchange = () => {
            db.close();
            dbPromise = null;
          };
          resolve(db);
        };
        request.onerror = () => {
          dbPromise = null;
          reject(request.error);
        };
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
      } catch (err) {
        // a write refused (storage full): none of the transaction's writes stay
        tx.abort();
        reject(err);
        return;
      }
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  }

  const all = () =>
    run(ITEMS, "readonly", (s) => s.getAll()).then((items) => items.sort((a, b) => a.seq - b.seq));
  const get = (id) => run(ITEMS, "readonly", (s) => s.get(id));
  const getMeta = (key) => run(META, "readonly", (s) => s.get(key));
  const setMeta = (key, value) => run(META, "readwrite", (s) => s.put(value, key));

  function changed() {
    notify();
    if (channel) channel.postMessage("changed");
  }
  // Several items in one transaction: all of them are saved, or none.
  async function putAll(items) {
    await run(ITEMS, "readwrite", (s) => {
      for (const item of items) s.put(item);
    });
    changed();
  }
  const put = (item) => putAll([item]);
  async function remove(id) {
    await run(ITEMS, "readwrite", (s) => s.delete(id));
    changed();
  }

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
  function onChange(fn) {
    listeners.add(fn);
  }

  function uuid() {
    if (global.crypto?.randomUUID) return global.crypto.randomUUID();
    const b = global.crypto.getRandomValues(new Uint8Array(16)); // plain-HTTP fallback
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // ISO 8601 with the device's offset: 2026-03-04T09:02:11-06:00.
  function isoLocal(date) {
    const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
    const offset = -date.getTimezoneOffset();
    return (
      `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T` +
      `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
      `${offset < 0 ? "-" : "+"}${pad(offset / 60)}:${pad(offset % 60)}`
    );
  }

  function newItem(fields, now) {
    seq += 1;
    return {
      client_id: uuid(),
      created_at: isoLocal(now),
      seq: now.getTime() * 1000 + (seq % 1000),
      state: "waiting",
      error: null,
      current: null,
      attempts: 0,
      next_try: 0,
      ...fields,
    };
  }

  // Queue an operation for POST /api/sync, and its photos to upload after it: saved
  // together in one transaction, so a failure (storage full) leaves nothing half-queued.
  // `labels`: {input name: label} of the form, for the outbox's "Fix" to name the fields.
  async function enqueue({ type, payload, label, labels, page, origin, user_id, photos = [], at }) {
    const now = at || new Date();
    const op = newItem({ kind: "op", type, payload, label, labels, page, origin, user_id }, now);
    await putAll([
      op,
      ...photos.map((photo) =>
        newItem(
          {
            kind: "photo",
            type: "photo",
            label: photo.label || `Photo for: ${label}`,
            page,
            origin,
            user_id,
            blob: photo.blob,
            filename: photo.filename || "photo.jpg",
            target: photo.target,
            parent: photo.target_id ? null : op.client_id,
            target_id: photo.target_id || null,
          },
          now,
        ),
      ),
    ]);
    return op;
  }

  // Queue a photo for a record the server already has (an issue's "Add photo").
  async function enqueuePhoto({
    blob,
    filename,
    target,
    target_id,
    label,
    page,
    origin,
    user_id,
    at,
  }) {
    const item = newItem(
      {
        kind: "photo",
        type: "photo",
        label,
        page,
        origin,
        user_id,
        blob,
        filename,
        target,
        target_id,
        parent: null,
      },
      at || new Date(),
    );
    await put(item);
    return item;
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
        if (key.startsWith("id:") && !(at.value.at >= cutoff) && !parents.has(key.slice(3)))
          at.delete();
        at.continue();
      };
    });
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
      state: "waiting",
      error: null,
      current: null,
      attempts: 0,
      failures: 0,
      next_try: 0,
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
    all,
    get,
    enqueue,
    enqueuePhoto,
    retry,
    discard,
    onChange,
    getMeta,
    setMeta,
    isoLocal,
    // for outbox-send.js
    update,
    remove,
    pruneIds,
  };
})(self);

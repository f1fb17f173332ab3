/* FieldOps outbox, sending: POST /api/sync for the operations, then POST /api/photos.
 *
 * A plain script after outbox.js and outbox-http.js (in the page and in the service worker):
 * adds flush() to self.FieldOpsOutbox, the one way anything in the outbox reaches the server.
 */
((global) => {
  // biome-ignore lint/suspicious/noRedundantUseStrict: a classic script in the service worker
  "use strict";

  const { all, update, remove, getMeta, setMeta, pruneIds } = global.FieldOpsOutbox;
  const { Stop, bodyOf, fetchToken, passing, post, whoAmI } = global.FieldOpsOutbox.http;
  const BATCH = 100; // operations per POST /api/sync
  const BASE_DELAY = 5000; // first retry after a network error or a 5xx, then doubling
  const MAX_DELAY = 30 * 60 * 1000;
  const MAX_FAILURES = 5; // of an item's own, before it is shown as refused
  const PHOTO_TIMEOUT = 120000;

  // Try again later, waiting longer each time. A failure that is the item's own counts
  // towards MAX_FAILURES, after which the item is shown with the reason, for the user to
  // send again or discard, instead of holding the queue in silence.
  async function backOff(items, detail, itsOwn = false) {
    for (const item of items) {
      const attempts = (item.attempts || 0) + 1;
      const failures = (item.failures || 0) + (itsOwn ? 1 : 0);
      const delay = Math.min(MAX_DELAY, BASE_DELAY * 2 ** (attempts - 1));
      await update(
        item,
        failures >= MAX_FAILURES
          ? {
              state: "rejected",
              attempts,
              failures,
              error: { code: 0, message: `Not sent after ${failures} tries: ${detail}` },
            }
          : {
              attempts,
              failures,
              next_try: Date.now() + delay * (0.8 + Math.random() * 0.4),
              last_error: detail,
            },
      );
    }
  }

  async function sendOps(ops, state) {
    const response = await post("/api/sync", state, {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        operations: ops.map((o) => ({
          client_id: o.client_id,
          type: o.type,
          payload: o.payload,
          created_at: o.created_at,
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
      if (passing(response.status) || response.status === 404) {
        // 404: an older server
        state.failed = body.message || `HTTP ${response.status}`;
        await backOff(ops, state.failed);
        return;
      }
      for (const op of ops) {
        // the batch as a whole was refused: say so on every item
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
          error: result.error,
          current: result.current || null,
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
    if (known?.id) return known.id;
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
    try {
      // a slow link gets longer for a large photo (at least 20 kB/s)
      response = await post(
        "/api/photos",
        state,
        { body: form },
        PHOTO_TIMEOUT + (photo.blob.size || 0) / 20,
      );
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
    } else {
      // 413 too large, 422 not an image, 404 record gone: the user decides
      await update(photo, { state: "rejected", error: await bodyOf(response) });
      state.rejected += 1;
    }
  }

  const due = (item, force) =>
    item.state === "waiting" && (force || !item.next_try || item.next_try <= Date.now());

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
      if (err.status === "signed_out")
        await setMeta("session", { state: "expired", at: Date.now() });
      if (err.status === "offline") {
        await backOff(
          (await all()).filter((i) => due(i, force)),
          "offline",
        );
      }
      return {
        status: err.status,
        applied: state.applied,
        rejected: state.rejected,
        detail: err.detail,
      };
    } finally {
      if (state.applied.length) await setMeta("synced_at", Date.now());
      await setMeta("last_flush", { at: Date.now(), failed: state.failed });
    }
    const failed = state.failed || state.photoFailed;
    return {
      status: failed ? "error" : "ok",
      applied: state.applied,
      rejected: state.rejected,
      detail: failed,
    };
  }

  // One flush at a time across the tabs and the service worker (the server would answer a
  // repeat with "duplicate", but there is no need to send twice); where the browser has no
  // Web Locks (Safari before 15.4), one at a time in this page.
  let running = null;
  function flush(options) {
    const force = Boolean(options?.force);
    const locks = global.navigator?.locks;
    if (locks) return locks.request("fieldops-outbox", () => flushNow(force));
    if (!running)
      running = flushNow(force).finally(() => {
        running = null;
      });
    return running;
  }

  global.FieldOpsOutbox.flush = flush;
})(self);

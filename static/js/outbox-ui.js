// The outbox in the page: forms marked data-outbox are queued on the phone (outbox.js)
// and sent by POST /api/sync; the header counts what waits, /outbox lists it, and the
// user fixes or discards what the server refused. Without JavaScript the forms post as usual.
import "./outbox.js";
import { formatWhen, forgetSavedPages, h, savePagesForOffline, setBanner } from "./pwa.js";

const Outbox = self.FieldOpsOutbox;
const MINUTE = 60 * 1000;
const NUMERIC = new Set(["version", "latitude", "longitude", "accuracy_m", "store_id", "assignee_id"]);
const LOCKED = new Set(["visit_id", "issue_id", "store_id"]); // the record it is about
const STATES = { waiting: "Waiting to sync", rejected: "Refused: needs a fix", conflict: "Changed on the server" };
const userMeta = document.querySelector('meta[name="fieldops-user"]');
const fromCache = Boolean(document.querySelector('meta[name="served-from"]'));
// Who uses the page: its signed-in user; on a shell page (no one named), the last user
// whose session was good on this phone (see learnSession).
let userId = userMeta ? userMeta.content : null;
const here = () => location.pathname + location.search;
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

let leaving = false;

function go(url) {
  leaving = true;
  if (url === here()) location.reload(); else location.assign(url);
}

// --- forms -> operations ---

function idsOf(form) {
  const ids = {};
  for (const pair of (form.dataset.outboxIds || "").split(/\s+/).filter(Boolean)) {
    const [key, value] = pair.split(":");
    ids[key] = /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return ids;
}

// A field the user left as the page gave it.
function unchanged(el) {
  if (el.type === "hidden") return false;
  if (el.options) return Array.from(el.options).every((o) => o.selected === o.defaultSelected);
  if (el.type === "checkbox" || el.type === "radio") return el.checked === el.defaultChecked;
  return el.value === el.defaultValue;
}

// The form as the JSON body of its API route: empty fields left out (as the server's
// form handling does), the category's own fields under "fields", checkbox groups as lists.
// An update form (data-outbox-changes) sends only what the user changed, so that applying
// it on top of a record changed meanwhile does not undo the other person's changes.
function payloadOf(form) {
  const payload = idsOf(form);
  const lists = (form.dataset.outboxLists || "").split(/\s+/).filter(Boolean);
  const nullable = (form.dataset.outboxNullable || "").split(/\s+/).filter(Boolean);
  const changesOnly = form.hasAttribute("data-outbox-changes");
  const fieldsBox = form.querySelector("[data-outbox-fields]");
  if (fieldsBox) payload.fields = {};
  for (const el of form.elements) {
    if (!el.name || el.name === "csrf_token" || el.disabled || ["file", "submit", "button"].includes(el.type)) continue;
    if (changesOnly && unchanged(el)) continue;
    const target = fieldsBox && fieldsBox.contains(el) ? payload.fields : payload;
    if (lists.includes(el.name)) {
      target[el.name] = target[el.name] || [];
      if (el.checked) target[el.name].push(el.value);
      continue;
    }
    if ((el.type === "checkbox" || el.type === "radio") && !el.checked) continue;
    const value = el.value.trim();
    if (value === "") {
      if (nullable.includes(el.name)) target[el.name] = null;
      continue;
    }
    const numeric = (el.type === "number" || NUMERIC.has(el.name)) && !Number.isNaN(Number(value));
    target[el.name] = numeric ? Number(value) : value;
  }
  return payload;
}

function labelOf(form, payload) {
  const label = form.dataset.outboxLabel || form.dataset.outbox;
  const text = payload.title || payload.body;
  return text ? `${label}: ${text.length > 50 ? `${text.slice(0, 50)}…` : text}` : label;
}

const PHOTO_SIDE = 2048; // px: the long side of a photo as it is queued (about 3 MP)
const PHOTO_SMALL = 1024 * 1024; // bytes: smaller photos are queued as they are

// A phone camera's photo made smaller before it is queued: on a store's poor network a
// 10 MB photo may never finish uploading. Anything that cannot be read this way (not an
// image, an old browser) is queued as it is, for the server to judge.
async function shrink(file) {
  if (file.size <= PHOTO_SMALL || !/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) return file;
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    if (!blob || blob.size >= file.size) return file;
    return new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" });
  } catch (err) {
    return file;
  }
}

async function photosOf(form) {
  const input = form.querySelector('input[type="file"]');
  if (!input || !input.files.length) return [];
  const files = await Promise.all(Array.from(input.files, shrink));
  return files.map((file) => ({ blob: file, filename: file.name, target: form.dataset.outboxPhoto }));
}

// The phone's position for a check-in, when it gives one within a few seconds.
function locate(form, status) {
  if (!("geolocation" in navigator) || !form.elements.latitude) return Promise.resolve();
  status.textContent = "Getting your position…";
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition((pos) => {
      form.elements.latitude.value = pos.coords.latitude.toFixed(6);
      form.elements.longitude.value = pos.coords.longitude.toFixed(6);
      form.elements.accuracy_m.value = Math.round(pos.coords.accuracy);
      resolve();
    }, () => resolve(), { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
  });
}

function statusOf(form) {
  let status = form.querySelector("[data-outbox-status]");
  if (!status) {
    status = h("p", { class: "outbox-status small", "data-outbox-status": "", role: "status" });
    form.append(status);
  }
  return status;
}

function registerBackgroundSync() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.getRegistration().then((registration) => {
    if (registration && registration.sync) return registration.sync.register("fieldops-outbox");
    return null;
  }).catch(() => {});
}

// Ask the browser not to clear this site's storage (Safari clears it after 7 days unused
// unless the app is installed): the outbox lives there.
function keepStorage() {
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
}

async function queueForm(form) {
  const button = form.querySelector('[type="submit"]');
  const status = statusOf(form);
  const at = new Date(); // the time of the tap, not of the position fix
  if (button) button.disabled = true;
  delete form.dataset.queued;
  try {
    if (form.hasAttribute("data-geolocate")) await locate(form, status);
    const payload = payloadOf(form);
    const page = form.dataset.outboxNext || here();
    const common = { label: labelOf(form, payload), page, origin: here(), user_id: userId, at };
    let item;
    if (form.dataset.outbox === "photo") {
      const [photo] = await photosOf(form);
      if (!photo) { status.textContent = "Choose a photo first."; return; }
      item = await Outbox.enqueuePhoto({ ...photo, ...common, target_id: payload[photo.target] });
    } else {
      item = await Outbox.enqueue({ ...common, type: form.dataset.outbox, payload, photos: await photosOf(form) });
    }
    form.dataset.queued = "1";
    form.dataset.dirty = "";
    keepStorage();
    registerBackgroundSync();
    if (navigator.onLine) {
      status.textContent = "Sending…";
      holdReload = true;
      await syncNow({ force: true });
      const left = await Outbox.get(item.client_id);
      if (!left) {
        const known = form.dataset.outboxShow === "record" && await Outbox.getMeta(`id:${item.client_id}`);
        go(known ? `${form.dataset.outboxRecord}${known.id}` : page);
        return;
      }
      if (left.state !== "waiting") { status.textContent = ""; return; } // shown with its reason
    }
    status.textContent = "Saved on this phone — waiting to sync.";
    if (page !== here()) go(page);
    else if (!form.hasAttribute("data-outbox-once")) form.reset();
  } finally {
    holdReload = false;
    if (button && !form.hasAttribute("data-outbox-once")) button.disabled = false;
  }
}

function interceptForms() {
  document.querySelectorAll("form[data-outbox]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (form.dataset.sending) return;
      form.dataset.sending = "1";
      queueForm(form).catch((err) => {
        console.error(err);
        if (form.dataset.queued) return; // saved: it is sent with the rest
        // Nothing saved (private mode, storage full): online, the form goes the classic
        // way; offline, it stays filled in and says why.
        if (navigator.onLine) form.submit();
        else statusOf(form).textContent = `Could not be saved on this phone (${err.message || err}): what you entered is still here.`;
      }).finally(() => { delete form.dataset.sending; });
    });
  });
  document.addEventListener("input", (event) => {
    if (event.target.form) event.target.form.dataset.dirty = "1";
  });
}

// A check-in or check-out already waiting is not offered twice; a check-in waiting opens
// the check-out of its visit, for a visit done from start to end without a network.
function markPending(items) {
  document.querySelectorAll("[data-after-check-in]").forEach((section) => {
    const visitId = Number(section.dataset.afterCheckIn);
    section.hidden = !items.some((item) => item.type === "check_in" && item.payload && item.payload.visit_id === visitId);
  });
  document.querySelectorAll("form[data-outbox-once]").forEach((form) => {
    const ids = idsOf(form);
    const waiting = items.find((item) => item.type === form.dataset.outbox &&
      Object.entries(ids).every(([key, value]) => item.payload && item.payload[key] === value));
    const button = form.querySelector('[type="submit"]');
    if (!waiting || !button) return;
    button.disabled = true;
    statusOf(form).textContent = `Saved on this phone at ${formatWhen(new Date(waiting.created_at))} — ${
      waiting.state === "waiting" ? "waiting to sync" : "needs your attention in the outbox"}.`;
  });
}

// --- sending ---

let lastResult = null;

async function syncNow({ force = false } = {}) {
  let result;
  try {
    result = await Outbox.flush({ force });
  } catch (err) {
    console.error(err);
    result = { status: "error", applied: [], rejected: 0, detail: String(err) };
  }
  lastResult = { ...result, at: new Date() };
  await render();
  if (result.applied.length) savePagesForOffline(true);
  return result;
}

function describeResult() {
  if (!lastResult) return "";
  const when = formatWhen(lastResult.at);
  const sent = lastResult.applied.length ? `sent ${lastResult.applied.length}. ` : "";
  return {
    ok: `Last sync at ${when}: ${sent || "all sent. "}`,
    idle: `Last sync at ${when}: nothing to send.`,
    offline: `No network at ${when}: ${sent}the rest is sent when the network returns.`,
    signed_out: `Your session has expired: ${sent}sign in to send the rest.`,
    error: `The server did not take them at ${when} (${lastResult.detail || "error"}): ${sent}trying again later.`,
  }[lastResult.status] || "";
}

// --- showing what waits ---

function flatten(value, prefix = "", out = {}) {
  for (const [key, inner] of Object.entries(value || {})) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (inner && typeof inner === "object" && !Array.isArray(inner)) flatten(inner, name, out);
    else out[name] = inner;
  }
  return out;
}

function errorBox(item) {
  const error = item.error || {};
  const fields = flatten(error.errors);
  return h("div", { class: "alert" },
    h("strong", {}, item.state === "conflict" ? "Changed on the server since you saved this. " : "The server refused this. "),
    h("span", {}, error.message || ""),
    Object.keys(fields).length ? h("ul", { class: "small" }, ...Object.entries(fields).map(([name, messages]) =>
      h("li", {}, h("strong", {}, `${name}: `), [].concat(messages).join(" ")))) : null);
}

function currentBox(current) {
  const rows = Object.entries(current || {}).filter(([key, value]) =>
    value !== null && typeof value !== "object" && !key.endsWith("_id") && key !== "id");
  return h("dl", { class: "facts small" }, ...rows.slice(0, 12).flatMap(([key, value]) =>
    [h("dt", {}, key.replace(/_/g, " ")), h("dd", {}, String(value))]));
}

// A simple form of the payload's fields (and of fields the server named), to fix and resend.
function fixForm(item, li) {
  const values = flatten(item.payload);
  const errors = flatten(item.error && item.error.errors);
  const skip = (name) => ["_schema", "_form", "json"].includes(name) ||
    Object.keys(values).some((other) => other.startsWith(`${name}.`)) ||
    (item.payload[name] !== null && typeof item.payload[name] === "object" && !Array.isArray(item.payload[name]));
  const names = [...new Set([...Object.keys(values), ...Object.keys(errors)])].filter((name) => !skip(name));
  const form = h("form", { class: "stack fix-form", novalidate: true });
  for (const name of names) {
    const id = `fix-${item.client_id}-${name}`;
    const value = values[name];
    const input = h("input", { id, name, value: Array.isArray(value) ? value.join(", ") : (value ?? "") });
    if (LOCKED.has(name)) input.readOnly = true;
    form.append(h("div", { class: `field${errors[name] ? " has-error" : ""}` },
      h("label", { for: id }, name.replace(/_/g, " ") + (Array.isArray(value) ? " (comma-separated)" : "")),
      input,
      errors[name] ? h("span", { class: "field-error" }, [].concat(errors[name]).join(" ")) : null));
  }
  form.append(h("div", { class: "actions" }, h("button", { type: "submit" }, "Save and send"),
    h("button", { type: "button", class: "secondary", onclick: () => { delete li.dataset.editing; renderOutboxPage(); } }, "Cancel")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const payload = {};
    for (const input of form.elements) {
      if (!input.name) continue;
      const original = values[input.name];
      const text = input.value.trim();
      let value = text;
      if (Array.isArray(original)) value = text.split(",").map((part) => part.trim()).filter(Boolean);
      else if (text === "" && original !== null) continue; // left empty: not given
      else if (text === "") value = null;
      else if ((typeof original === "number" || NUMERIC.has(input.name)) && !Number.isNaN(Number(text))) value = Number(text);
      const path = input.name.split(".");
      let target = payload;
      path.slice(0, -1).forEach((key) => { target = target[key] = target[key] || {}; });
      target[path[path.length - 1]] = value;
    }
    if (item.payload.fields && !payload.fields) payload.fields = {};
    delete li.dataset.editing;
    await Outbox.retry(item.client_id, payload);
    syncNow({ force: true });
  });
  return form;
}

function itemView(item) {
  const li = h("li", { class: `outbox-item state-${item.state}`, id: `item-${item.client_id}` });
  const other = Boolean(item.user_id) && String(item.user_id) !== String(userId);
  const retryLater = item.state === "waiting" && item.attempts
    ? ` · tried ${plural(item.attempts, "time")}${item.next_try > Date.now() ? `, again at ${formatWhen(new Date(item.next_try))}` : ""}`
    : "";
  li.append(
    h("div", { class: "row" }, h("strong", {}, item.label || item.type),
      h("span", { class: `badge outbox-${item.state}` }, STATES[item.state] || item.state)),
    h("div", { class: "muted small" }, `Saved on this phone at ${formatWhen(new Date(item.created_at))}${retryLater}`),
  );
  if (other) { // on a shared phone, someone else's entries are theirs to read and decide on
    li.append(h("p", { class: "small" }, "Entered under another account: sent when it signs in again on this phone."));
    return li;
  }
  if (item.kind === "photo" && item.blob) {
    const url = URL.createObjectURL(item.blob);
    const thumb = h("img", { class: "thumb", src: url, alt: "The photo waiting to be sent", width: 96, height: 96 });
    thumb.addEventListener("load", () => URL.revokeObjectURL(url), { once: true }); // redrawn often
    li.append(thumb);
  }
  if (item.kind === "photo" && item.parent && item.state === "waiting") {
    li.append(h("p", { class: "small muted" }, "Sent after the record it belongs to."));
  }
  if (item.state !== "waiting") li.append(errorBox(item));
  if (item.state === "conflict") li.append(h("p", { class: "small" }, "The record as it is now:"), currentBox(item.current));
  const actions = h("div", { class: "actions" });
  if (item.state === "rejected" && item.kind === "op") {
    actions.append(h("button", { type: "button", class: "small", onclick: () => {
      if (li.dataset.editing) return;
      li.dataset.editing = "1";
      const form = fixForm(item, li);
      li.append(form);
      const first = form.querySelector("input:not([readonly])");
      if (first) first.focus();
    } }, "Fix"));
  }
  if (item.state === "rejected") {
    actions.append(h("button", { type: "button", class: "small secondary", onclick: () => Outbox.retry(item.client_id).then(() => syncNow({ force: true })) }, "Send again"));
  }
  if (item.state === "conflict") {
    actions.append(h("button", { type: "button", class: "small", onclick: () => Outbox.retry(item.client_id).then(() => syncNow({ force: true })) }, "Apply mine on top"));
  }
  actions.append(h("button", { type: "button", class: "small danger", onclick: () => {
    const photos = item.kind === "op" ? " (and its photos)" : "";
    if (window.confirm(`Discard "${item.label}"${photos}? It will not be sent.`)) Outbox.discard(item.client_id);
  } }, "Discard"));
  li.append(actions);
  return li;
}

const signature = (item) => JSON.stringify([item.state, item.attempts, item.next_try, item.error, item.current, item.payload]);

async function renderOutboxPage(items) {
  const list = document.querySelector("[data-outbox-list]");
  if (!list) return;
  items = items || await Outbox.all();
  document.querySelector("[data-outbox-page]").hidden = false;
  document.querySelector("[data-outbox-empty]").hidden = items.length > 0;
  const syncButton = document.querySelector("[data-sync-now]");
  if (syncButton) syncButton.hidden = false;
  const status = document.querySelector("[data-sync-status]");
  if (status) status.textContent = describeResult();
  const keep = new Set(items.map((item) => `item-${item.client_id}`));
  list.querySelectorAll(":scope > li").forEach((li) => { if (!keep.has(li.id)) li.remove(); });
  items.forEach((item, index) => {
    let li = document.getElementById(`item-${item.client_id}`);
    if (li && li.dataset.editing) return; // the user is typing a fix: leave it alone
    if (!li || li.dataset.signature !== signature(item)) {
      const fresh = itemView(item);
      fresh.dataset.signature = signature(item);
      if (li) li.replaceWith(fresh); else list.append(fresh);
      li = fresh;
    }
    if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
  });
}

// What was entered on this page and still waits, at the top of the page.
function renderNotice(items) {
  const main = document.querySelector("main");
  let notice = document.querySelector("[data-outbox-notice]");
  const mine = items.filter((item) => item.page === here() || item.origin === here());
  if (!mine.length || !main || document.querySelector("[data-outbox-list]")) {
    if (notice) notice.remove();
    return;
  }
  if (!notice) {
    notice = h("section", { class: "card outbox-notice", "data-outbox-notice": "", "aria-live": "polite" });
    main.prepend(notice);
  }
  notice.replaceChildren(
    h("div", { class: "row" }, h("h2", {}, "Saved on this phone"),
      h("button", { type: "button", class: "small secondary", "data-sync-now": "" }, "Sync now")),
    h("ul", { class: "list small" }, ...mine.map((item) => h("li", {},
      h("div", { class: "row" }, h("span", {}, item.label),
        h("span", { class: `badge outbox-${item.state}` }, STATES[item.state] || item.state)),
      item.state === "waiting" ? null : h("div", {}, h("span", { class: "field-error" },
        (item.error && item.error.message) || "Refused."), " ",
      h("a", { href: `/outbox#item-${item.client_id}` }, "Fix or discard in the outbox"))))),
  );
}

let onThisPage = null; // client ids of the items whose result this page shows
let holdReload = false; // a form being sent goes where it must by itself

// When an item whose result this page shows has reached the server, show the new state,
// unless the user is typing into a form.
function reloadWhenSent(items) {
  const ids = new Set(items.filter((item) => item.page === here()).map((item) => item.client_id));
  const sent = onThisPage && [...onThisPage].some((id) => !ids.has(id));
  onThisPage = ids;
  if (sent && !holdReload && !leaving && !document.querySelector('form[data-dirty="1"]')) {
    go(here());
    return true;
  }
  return false;
}

async function render() {
  const items = await Outbox.all();
  if (reloadWhenSent(items)) return;
  const mine = items.filter((item) => !userId || !item.user_id || String(item.user_id) === String(userId));
  const count = document.querySelector("[data-outbox-count]");
  const attention = mine.some((item) => item.state !== "waiting");
  if (count) {
    count.hidden = mine.length === 0;
    count.textContent = `${mine.length} waiting`;
    count.classList.toggle("attention", attention);
    count.setAttribute("aria-label", `${mine.length} waiting to sync${attention ? ", some need your attention" : ""}`);
  }
  const session = await Outbox.getMeta("session");
  if (location.pathname === "/login" && items.length) {
    setBanner("session", { kind: "info", text: `${plural(items.length, "item")} wait on this phone: they are sent once you sign in.` });
  } else if (session && session.state === "expired" && mine.length) {
    setBanner("session", { kind: "bad", text: `Your session has expired — sign in to send ${plural(mine.length, "waiting item")}.`,
      actions: [{ label: "Sign in", href: `/login?next=${encodeURIComponent(here())}` }] });
  } else {
    setBanner("session", null);
  }
  markPending(mine);
  renderNotice(mine);
  await renderOutboxPage(items);
}

// Signing out keeps the outbox (it is sent at the next sign-in) but warns, and forgets
// the pages saved on the phone: the next person to use it must not read them.
function guardSignOut() {
  document.querySelectorAll("form[data-signout]").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const waiting = async () => (await Outbox.all()).filter((i) => !i.user_id || String(i.user_id) === String(userId)).length;
      let count = await waiting();
      if (count && navigator.onLine) { await syncNow({ force: true }); count = await waiting(); }
      if (count && !window.confirm(`${plural(count, "item")} you entered ${count === 1 ? "is" : "are"} still waiting to be sent. ` +
        "They stay on this phone and are sent the next time you sign in. Sign out anyway?")) return;
      await forgetSavedPages();
      await Outbox.setMeta("session", { state: "signed_out", at: Date.now() });
      form.submit();
    });
  });
}

function debounce(fn, ms) {
  let timer = null;
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
}

export function initOutbox() {
  if (!Outbox || !("indexedDB" in window)) return; // forms post the classic way
  interceptForms();
  guardSignOut();
  Outbox.onChange(debounce(() => render().catch(console.error), 50));
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-sync-now]");
    if (!button) return;
    button.disabled = true;
    syncNow({ force: true }).finally(() => { button.disabled = false; });
  });
  window.addEventListener("online", () => syncNow({ force: true }));
  setInterval(() => { if (navigator.onLine) syncNow(); }, MINUTE);
  learnSession().then(render).then(() => (navigator.onLine ? syncNow({ force: true }) : null)).catch(console.error);
}

// A page the server just rendered tells who is signed in now. The pages saved on this
// phone for anyone else (or for a session that has ended) are forgotten: the next person
// to use the phone must not read them. A saved copy or a shell page learns the user from
// the last good session.
async function learnSession() {
  const session = await Outbox.getMeta("session");
  if (fromCache) {
    if (!userId && session && session.state === "ok") userId = String(session.user_id);
    return;
  }
  const before = session && session.user_id ? String(session.user_id) : null;
  if (!userId || (before && before !== userId)) await forgetSavedPages();
  await Outbox.setMeta("session", userId
    ? { state: "ok", user_id: userId, at: Date.now() }
    : { state: session && session.state === "ok" ? "expired" : (session && session.state) || "signed_out", user_id: before, at: Date.now() });
}

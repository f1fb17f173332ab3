// Forms marked data-outbox are queued on the phone instead of posted, then sent at once
// when the network allows; a check-in or check-out already waiting is not offered twice.
// Without JavaScript (or without IndexedDB) the forms post as usual.
//
// A form is checked in the browser first (form-check.js). Online, it waits up to
// SYNC_WAIT_MS for its result: sent, it says so (data-outbox-done, on the next page);
// refused, it stays open with the server's words next to the fields (the refused item
// leaves the outbox: the form holds it now); no answer in time, it is "saved on this
// phone" and the outbox sends it later, as offline.
import { checkForm, labelsOf, markErrors } from "./form-check.js";
import { idsOf, labelOf, payloadOf } from "./form-payload.js";
import { go, here, Outbox, shared } from "./outbox-state.js";
import { syncNow } from "./outbox-sync.js";
import { photosOf } from "./photos.js";
import { answeredYes } from "./questions.js";
import { formatWhen, h, say } from "./ui.js";

const { SYNC_TAG } = self.FieldOpsConstants;
// How long a form sent online waits for its result; a test sets self.FieldOpsSyncWaitMs.
const SYNC_WAIT_MS = 10000;
const QUEUED = "Saved on this phone; it will be sent when you are online.";

// 21:40 in the form's zone (data-zone: the store's), else in the phone's.
function hhmm(date, zone) {
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  try {
    return date.toLocaleTimeString("en-GB", zone ? { ...options, timeZone: zone } : options);
  } catch {
    return date.toLocaleTimeString("en-GB", options); // a zone this browser does not know
  }
}

// The form's confirmation, data-outbox-done with {time} (of the tap) and {field} (its
// value, the tap's time when left empty) filled in: "Checked in at 10:02".
function doneText(form, payload, at) {
  const template = form.dataset.outboxDone || "Saved";
  return template.replace(/\{(\w+)\}/g, (_, name) => {
    const value = name === "time" ? null : (payload[name] ?? payload.fields?.[name]);
    return value ? String(value) : hhmm(at, form.dataset.zone);
  });
}

// The result of sending `clientId` now, or null when none came within SYNC_WAIT_MS.
async function sendAndWait(clientId) {
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(() => resolve(false), Number(self.FieldOpsSyncWaitMs) || SYNC_WAIT_MS);
  });
  const answered = await Promise.race([syncNow({ force: true }).then(() => true), late]);
  clearTimeout(timer);
  return { answered, left: await Outbox.get(clientId) };
}

// The server refused what the form sent: the form says why, next to the fields, with what
// was typed still in it, and the refused item leaves the outbox (sent again from here).
async function showRefusal(form, item) {
  await Outbox.discard(item.client_id);
  markErrors(form, item.error?.words, item.error?.message || "The server refused this.");
  statusOf(form).textContent = "Not saved: please check the form.";
}

// The phone's position for a check-in, when it gives one within a few seconds.
function locate(form, status) {
  if (!("geolocation" in navigator) || !form.elements.latitude) return Promise.resolve();
  status.textContent = "Getting your position…";
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        form.elements.latitude.value = pos.coords.latitude.toFixed(6);
        form.elements.longitude.value = pos.coords.longitude.toFixed(6);
        form.elements.accuracy_m.value = Math.round(pos.coords.accuracy);
        resolve();
      },
      () => resolve(),
      { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 },
    );
  });
}

export function statusOf(form) {
  let status = form.querySelector("[data-outbox-status]");
  if (!status) {
    status = h("p", { class: "outbox-status small", "data-outbox-status": "", role: "status" });
    form.append(status);
  }
  return status;
}

function registerBackgroundSync() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker
    .getRegistration()
    .then((registration) => {
      if (registration?.sync) return registration.sync.register(SYNC_TAG);
      return null;
    })
    .catch(() => {});
}

// Ask the browser not to clear this site's storage (Safari clears it after 7 days unused
// unless the app is installed): the outbox lives there.
function keepStorage() {
  if (navigator.storage?.persist) navigator.storage.persist().catch(() => {});
}

async function queueForm(form) {
  const button = form.querySelector('[type="submit"]');
  const status = statusOf(form);
  const at = new Date(); // the time of the tap, not of the position fix
  if (!checkForm(form)) {
    status.textContent = "";
    return;
  }
  let keepDisabled = form.hasAttribute("data-outbox-once");
  if (button) button.disabled = true;
  delete form.dataset.queued;
  try {
    if (form.hasAttribute("data-geolocate")) await locate(form, status);
    const payload = payloadOf(form);
    const page = form.dataset.outboxNext || here();
    const common = {
      label: labelOf(form, payload),
      page,
      origin: here(),
      user_id: shared.userId,
      at,
    };
    let item;
    if (form.dataset.outbox === "photo") {
      const photos = await photosOf(form);
      if (!photos.length) {
        status.textContent = "Choose a photo first.";
        return;
      }
      for (const photo of photos)
        item = await Outbox.enqueuePhoto({ ...photo, ...common, target_id: payload[photo.target] });
    } else {
      item = await Outbox.enqueue({
        ...common,
        type: form.dataset.outbox,
        payload,
        labels: labelsOf(form),
        photos: await photosOf(form),
      });
    }
    form.dataset.queued = "1";
    form.dataset.dirty = "";
    keepStorage();
    registerBackgroundSync();
    if (navigator.onLine) {
      status.textContent = "Sending…";
      shared.holdReload = true;
      const { answered, left } = await sendAndWait(item.client_id);
      if (!left) {
        const known =
          form.dataset.outboxShow === "record" && (await Outbox.getMeta(`id:${item.client_id}`));
        say(doneText(form, payload, at), { nextPage: true });
        go(known ? `${form.dataset.outboxRecord}${known.id}` : page);
        return;
      }
      if (answered && left.state === "rejected" && left.kind === "op") {
        keepDisabled = false;
        await showRefusal(form, left);
        return;
      }
      if (answered && left.state !== "waiting") {
        status.textContent = "";
        return;
      } // shown with its reason
    }
    status.textContent = QUEUED;
    say(QUEUED, { nextPage: page !== here() });
    if (page !== here()) go(page);
    else if (!form.hasAttribute("data-outbox-once")) form.reset();
  } finally {
    shared.holdReload = false;
    if (button && !keepDisabled) button.disabled = false;
  }
}

export function interceptForms() {
  document.querySelectorAll("form[data-outbox]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (form.dataset.sending || !answeredYes(form)) return;
      form.dataset.sending = "1";
      queueForm(form)
        .catch((err) => {
          console.error(err);
          if (form.dataset.queued) return; // saved: it is sent with the rest
          // Nothing saved (private mode, storage full): online, the form goes the classic
          // way; offline, it stays filled in and says why.
          if (navigator.onLine) form.submit();
          else
            statusOf(form).textContent =
              `Could not be saved on this phone (${err.message || err}): what you entered is still here.`;
        })
        .finally(() => {
          delete form.dataset.sending;
        });
    });
  });
  document.addEventListener("input", (event) => {
    if (event.target.form) event.target.form.dataset.dirty = "1";
  });
}

function unmarkPending(form, button) {
  delete form.dataset.pendingShown;
  button.disabled = false;
  button.hidden = false;
  statusOf(form).textContent = ""; // what markPending said there
}

// A check-in or check-out already waiting is not offered twice; a check-in waiting opens
// the check-out of its visit, for a visit done from start to end without a network.
export function markPending(items) {
  document.querySelectorAll("[data-after-check-in]").forEach((section) => {
    const visitId = Number(section.dataset.afterCheckIn);
    section.hidden = !items.some(
      (item) => item.type === "check_in" && item.payload && item.payload.visit_id === visitId,
    );
  });
  document.querySelectorAll("form[data-outbox-once]").forEach((form) => {
    const ids = idsOf(form);
    const waiting = items.find(
      (item) =>
        item.type === form.dataset.outbox &&
        Object.entries(ids).every(([key, value]) => item.payload && item.payload[key] === value),
    );
    const button = form.querySelector('[type="submit"]');
    if (!button) return;
    if (!waiting) {
      if (form.dataset.pendingShown) unmarkPending(form, button); // sent, or refused here
      return;
    }
    form.dataset.pendingShown = "1";
    button.disabled = true;
    // a form that says what it did ("Checked in, waiting to send") no longer offers it
    if (form.dataset.outboxPending && waiting.state === "waiting") {
      button.hidden = true;
      statusOf(form).textContent = form.dataset.outboxPending;
      return;
    }
    statusOf(form).textContent =
      `Saved on this phone at ${formatWhen(new Date(waiting.created_at))} — ${
        waiting.state === "waiting" ? "waiting to sync" : "needs your attention in the outbox"
      }.`;
  });
}

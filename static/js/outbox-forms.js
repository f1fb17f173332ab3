// Forms marked data-outbox are queued on the phone instead of posted, then sent at once
// when the network allows; a check-in or check-out already waiting is not offered twice.
// Without JavaScript (or without IndexedDB) the forms post as usual.
import { idsOf, labelOf, payloadOf } from "./form-payload.js";
import { go, here, Outbox, shared } from "./outbox-state.js";
import { syncNow } from "./outbox-sync.js";
import { photosOf } from "./photos.js";
import { answeredYes } from "./questions.js";
import { formatWhen, h } from "./ui.js";

const { SYNC_TAG } = self.FieldOpsConstants;

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
      await syncNow({ force: true });
      const left = await Outbox.get(item.client_id);
      if (!left) {
        const known =
          form.dataset.outboxShow === "record" && (await Outbox.getMeta(`id:${item.client_id}`));
        go(known ? `${form.dataset.outboxRecord}${known.id}` : page);
        return;
      }
      if (left.state !== "waiting") {
        status.textContent = "";
        return;
      } // shown with its reason
    }
    status.textContent = "Saved on this phone — waiting to sync.";
    if (page !== here()) go(page);
    else if (!form.hasAttribute("data-outbox-once")) form.reset();
  } finally {
    shared.holdReload = false;
    if (button && !form.hasAttribute("data-outbox-once")) button.disabled = false;
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
    if (!waiting || !button) return;
    button.disabled = true;
    statusOf(form).textContent =
      `Saved on this phone at ${formatWhen(new Date(waiting.created_at))} — ${
        waiting.state === "waiting" ? "waiting to sync" : "needs your attention in the outbox"
      }.`;
  });
}

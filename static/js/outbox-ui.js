// The outbox in the page: forms marked data-outbox are queued on the phone (outbox.js)
// and sent by POST /api/sync; the header counts what waits, /outbox lists it, and the
// user fixes or discards what the server refused. Without JavaScript the forms post as usual.
// This module wires the pieces together and redraws them when the outbox changes.
import { interceptForms, markPending } from "./outbox-forms.js";
import { renderCount, renderNotice, renderSessionBanner } from "./outbox-notices.js";
import { renderOutboxPage } from "./outbox-page.js";
import { go, here, Outbox, shared } from "./outbox-state.js";
import { setRender, syncNow } from "./outbox-sync.js";
import { guardSignOut, learnSession } from "./session.js";

const MINUTE = 60 * 1000;
let onThisPage = null; // client ids of the items whose result this page shows

// When an item whose result this page shows has reached the server, show the new state,
// unless the user is typing into a form.
function reloadWhenSent(items) {
  const ids = new Set(items.filter((item) => item.page === here()).map((item) => item.client_id));
  const sent = onThisPage && [...onThisPage].some((id) => !ids.has(id));
  onThisPage = ids;
  if (
    sent &&
    !shared.holdReload &&
    !shared.leaving &&
    !document.querySelector('form[data-dirty="1"]')
  ) {
    go(here());
    return true;
  }
  return false;
}

async function render() {
  const items = await Outbox.all();
  if (reloadWhenSent(items)) return;
  const userId = shared.userId;
  const mine = items.filter(
    (item) => !userId || !item.user_id || String(item.user_id) === String(userId),
  );
  renderCount(mine);
  await renderSessionBanner(items, mine);
  markPending(mine);
  renderNotice(mine);
  await renderOutboxPage(items);
}

function debounce(fn, ms) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

export function initOutbox() {
  if (!Outbox || !("indexedDB" in window)) return; // forms post the classic way
  setRender(render);
  interceptForms();
  guardSignOut();
  Outbox.onChange(debounce(() => render().catch(console.error), 50));
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-sync-now]");
    if (!button) return;
    button.disabled = true;
    syncNow({ force: true }).finally(() => {
      button.disabled = false;
    });
  });
  window.addEventListener("online", () => syncNow({ force: true }));
  setInterval(() => {
    if (navigator.onLine) syncNow();
  }, MINUTE);
  learnSession()
    .then(render)
    .then(() => (navigator.onLine ? syncNow({ force: true }) : null))
    .catch(console.error);
}

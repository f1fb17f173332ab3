// The /outbox page: every item waiting on this phone, with what the server said about it,
// to fix, send again or discard.
import { fieldLabel, fixForm, flatten } from "./outbox-fix.js";
import { Outbox, STATES, shared } from "./outbox-state.js";
import { describeResult, syncNow } from "./outbox-sync.js";
import { formatWhen, h, plural } from "./ui.js";

// What the server said about each field, in words (an item refused before the server
// gave words: named with the form's labels).
function sentencesOf(item) {
  const error = item.error || {};
  if (error.words) return Object.values(error.words).flat();
  return Object.entries(flatten(error.errors)).map(
    ([name, messages]) => `${fieldLabel(item, name)}: ${[].concat(messages).join(" ")}`,
  );
}

function errorBox(item) {
  const error = item.error || {};
  const sentences = sentencesOf(item);
  return h(
    "div",
    { class: "alert" },
    h(
      "strong",
      {},
      item.state === "conflict"
        ? "Changed on the server since you saved this. "
        : "The server refused this. ",
    ),
    sentences.length
      ? h("ul", { class: "small" }, ...sentences.map((text) => h("li", {}, text)))
      : h("span", {}, error.message || ""),
  );
}

function currentBox(current) {
  const rows = Object.entries(current || {}).filter(
    ([key, value]) =>
      value !== null && typeof value !== "object" && !key.endsWith("_id") && key !== "id",
  );
  return h(
    "dl",
    { class: "facts small" },
    ...rows
      .slice(0, 12)
      .flatMap(([key, value]) => [h("dt", {}, key.replace(/_/g, " ")), h("dd", {}, String(value))]),
  );
}

function itemView(item) {
  const li = h("li", { class: `outbox-item state-${item.state}`, id: `item-${item.client_id}` });
  const other = Boolean(item.user_id) && String(item.user_id) !== String(shared.userId);
  const retryLater =
    item.state === "waiting" && item.attempts
      ? ` · tried ${plural(item.attempts, "time")}${item.next_try > Date.now() ? `, again at ${formatWhen(new Date(item.next_try))}` : ""}`
      : "";
  li.append(
    h(
      "div",
      { class: "row" },
      h("strong", {}, item.label || item.type),
      h("span", { class: `badge outbox-${item.state}` }, STATES[item.state] || item.state),
    ),
    h(
      "div",
      { class: "muted small" },
      `Saved on this phone at ${formatWhen(new Date(item.created_at))}${retryLater}`,
    ),
  );
  if (other) {
    // on a shared phone, someone else's entries are theirs to read and decide on
    li.append(
      h(
        "p",
        { class: "small" },
        "Entered under another account: sent when it signs in again on this phone.",
      ),
    );
    return li;
  }
  if (item.kind === "photo" && item.blob) {
    const url = URL.createObjectURL(item.blob);
    const thumb = h("img", {
      class: "thumb",
      src: url,
      alt: "The photo waiting to be sent",
      width: 96,
      height: 96,
    });
    thumb.addEventListener("load", () => URL.revokeObjectURL(url), { once: true }); // redrawn often
    li.append(thumb);
  }
  if (item.kind === "photo" && item.parent && item.state === "waiting") {
    li.append(h("p", { class: "small muted" }, "Sent after the record it belongs to."));
  }
  if (item.state !== "waiting") li.append(errorBox(item));
  if (item.state === "conflict")
    li.append(h("p", { class: "small" }, "The record as it is now:"), currentBox(item.current));
  const actions = h("div", { class: "actions" });
  if (item.state === "rejected" && item.kind === "op") {
    actions.append(
      h(
        "button",
        {
          type: "button",
          class: "small",
          onclick: () => {
            if (li.dataset.editing) return;
            li.dataset.editing = "1";
            const form = fixForm(item, li, () => renderOutboxPage());
            li.append(form);
            const first = form.querySelector("input:not([readonly])");
            if (first) first.focus();
          },
        },
        "Fix",
      ),
    );
  }
  const resend = () => Outbox.retry(item.client_id).then(() => syncNow({ force: true }));
  if (item.state === "rejected") {
    actions.append(
      h("button", { type: "button", class: "small secondary", onclick: resend }, "Send again"),
    );
  }
  if (item.state === "conflict") {
    actions.append(
      h("button", { type: "button", class: "small", onclick: resend }, "Apply mine on top"),
    );
  }
  actions.append(
    h(
      "button",
      {
        type: "button",
        class: "small danger",
        onclick: () => {
          const photos = item.kind === "op" ? " (and its photos)" : "";
          if (window.confirm(`Discard "${item.label}"${photos}? It will not be sent.`))
            Outbox.discard(item.client_id);
        },
      },
      "Discard",
    ),
  );
  li.append(actions);
  return li;
}

const signature = (item) =>
  JSON.stringify([
    item.state,
    item.attempts,
    item.next_try,
    item.error,
    item.current,
    item.payload,
  ]);

export async function renderOutboxPage(items) {
  const list = document.querySelector("[data-outbox-list]");
  if (!list) return;
  items = items || (await Outbox.all());
  document.querySelector("[data-outbox-page]").hidden = false;
  document.querySelector("[data-outbox-empty]").hidden = items.length > 0;
  const syncButton = document.querySelector("[data-sync-now]");
  if (syncButton) syncButton.hidden = false;
  const status = document.querySelector("[data-sync-status]");
  if (status) status.textContent = describeResult();
  const keep = new Set(items.map((item) => `item-${item.client_id}`));
  list.querySelectorAll(":scope > li").forEach((li) => {
    if (!keep.has(li.id)) li.remove();
  });
  items.forEach((item, index) => {
    let li = document.getElementById(`item-${item.client_id}`);
    if (li?.dataset.editing) return; // the user is typing a fix: leave it alone
    if (!li || li.dataset.signature !== signature(item)) {
      const fresh = itemView(item);
      fresh.dataset.signature = signature(item);
      if (li) li.replaceWith(fresh);
      else list.append(fresh);
      li = fresh;
    }
    if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
  });
}

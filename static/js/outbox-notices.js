// What the page says about the outbox: the count in the header, the session banner, and
// what was entered on this page and still waits.
import { here, Outbox, STATES } from "./outbox-state.js";
import { h, plural, setBanner } from "./ui.js";

// The "3 waiting" count in the header (marked when some need the user's attention).
export function renderCount(mine) {
  const count = document.querySelector("[data-outbox-count]");
  const attention = mine.some((item) => item.state !== "waiting");
  if (count) {
    count.hidden = mine.length === 0;
    count.textContent = `${mine.length} waiting`;
    count.classList.toggle("attention", attention);
    count.setAttribute(
      "aria-label",
      `${mine.length} waiting to sync${attention ? ", some need your attention" : ""}`,
    );
  }
}

// Items wait for a sign-in: said on the sign-in page, and wherever the session expired.
export async function renderSessionBanner(items, mine) {
  const session = await Outbox.getMeta("session");
  if (location.pathname === "/login" && items.length) {
    setBanner("session", {
      kind: "info",
      text: `${plural(items.length, "item")} wait on this phone: they are sent once you sign in.`,
    });
  } else if (session && session.state === "expired" && mine.length) {
    setBanner("session", {
      kind: "bad",
      text: `Your session has expired — sign in to send ${plural(mine.length, "waiting item")}.`,
      actions: [{ label: "Sign in", href: `/login?next=${encodeURIComponent(here())}` }],
    });
  } else {
    setBanner("session", null);
  }
}

// What was entered on this page and still waits, at the top of the page.
export function renderNotice(items) {
  const main = document.querySelector("main");
  let notice = document.querySelector("[data-outbox-notice]");
  const mine = items.filter((item) => item.page === here() || item.origin === here());
  if (!mine.length || !main || document.querySelector("[data-outbox-list]")) {
    if (notice) notice.remove();
    return;
  }
  if (!notice) {
    notice = h("section", {
      class: "card outbox-notice",
      "data-outbox-notice": "",
      "aria-live": "polite",
    });
    main.prepend(notice);
  }
  notice.replaceChildren(
    h(
      "div",
      { class: "row" },
      h("h2", {}, "Saved on this phone"),
      h("button", { type: "button", class: "small secondary", "data-sync-now": "" }, "Sync now"),
    ),
    h(
      "ul",
      { class: "list small" },
      ...mine.map((item) =>
        h(
          "li",
          {},
          h(
            "div",
            { class: "row" },
            h("span", {}, item.label),
            h("span", { class: `badge outbox-${item.state}` }, STATES[item.state] || item.state),
          ),
          item.state === "waiting"
            ? null
            : h(
                "div",
                {},
                h("span", { class: "field-error" }, item.error?.message || "Refused."),
                " ",
                h("a", { href: `/outbox#item-${item.client_id}` }, "Fix or discard in the outbox"),
              ),
        ),
      ),
    ),
  );
}

// Whose outbox and whose saved pages: the sign-out guard, and what a page learns about
// the session it was rendered for.
import { fromCache, Outbox, shared } from "./outbox-state.js";
import { syncNow } from "./outbox-sync.js";
import { forgetSavedPages } from "./pwa.js";
import { plural } from "./ui.js";

// Signing out keeps the outbox (it is sent at the next sign-in) but warns, and forgets
// the pages saved on the phone: the next person to use it must not read them.
export function guardSignOut() {
  document.querySelectorAll("form[data-signout]").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const waiting = async () =>
        (await Outbox.all()).filter(
          (i) => !i.user_id || String(i.user_id) === String(shared.userId),
        ).length;
      let count = await waiting();
      if (count && navigator.onLine) {
        await syncNow({ force: true });
        count = await waiting();
      }
      if (
        count &&
        !window.confirm(
          `${plural(count, "item")} you entered ${count === 1 ? "is" : "are"} still waiting to be sent. ` +
            "They stay on this phone and are sent the next time you sign in. Sign out anyway?",
        )
      )
        return;
      await forgetSavedPages();
      await Outbox.setMeta("session", { state: "signed_out", at: Date.now() });
      form.submit();
    });
  });
}

// A page the server just rendered tells who is signed in now. The pages saved on this
// phone for anyone else (or for a session that has ended) are forgotten: the next person
// to use the phone must not read them. A saved copy or a shell page learns the user from
// the last good session.
export async function learnSession() {
  const session = await Outbox.getMeta("session");
  if (fromCache) {
    if (!shared.userId && session && session.state === "ok")
      shared.userId = String(session.user_id);
    return;
  }
  const before = session?.user_id ? String(session.user_id) : null;
  if (!shared.userId || (before && before !== shared.userId)) await forgetSavedPages();
  await Outbox.setMeta(
    "session",
    shared.userId
      ? { state: "ok", user_id: shared.userId, at: Date.now() }
      : {
          state: session && session.state === "ok" ? "expired" : session?.state || "signed_out",
          user_id: before,
          at: Date.now(),
        },
  );
}

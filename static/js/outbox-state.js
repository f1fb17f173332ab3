// What the outbox modules of a page share: the outbox itself (outbox.js, loaded here first),
// who uses the page, and whether the page is on its way somewhere else.
import "./constants.js";
import "./outbox.js";
import "./outbox-http.js";
import "./outbox-send.js";

export const Outbox = self.FieldOpsOutbox;
export const STATES = {
  waiting: "Waiting to sync",
  rejected: "Refused: needs a fix",
  conflict: "Changed on the server",
};
export const fromCache = Boolean(document.querySelector('meta[name="served-from"]'));
const userMeta = document.querySelector('meta[name="fieldops-user"]');

export const shared = {
  // Who uses the page: its signed-in user; on a shell page (no one named), the last user
  // whose session was good on this phone (see learnSession in session.js).
  userId: userMeta ? userMeta.content : null,
  leaving: false, // the page is being left or reloaded
  holdReload: false, // a form being sent goes where it must by itself
};

export const here = () => location.pathname + location.search;

export function go(url) {
  shared.leaving = true;
  if (url === here()) location.reload();
  else location.assign(url);
}

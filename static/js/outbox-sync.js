// Sending what waits, from the page (outbox-send.js does the sending), and what the last
// sync did, in words.
import { Outbox } from "./outbox-state.js";
import { savePagesForOffline } from "./pwa.js";
import { formatWhen } from "./ui.js";

let lastResult = null;
let render = async () => {};

// What shows the outbox on this page (render in outbox-ui.js): redrawn after each sync.
export function setRender(fn) {
  render = fn;
}

export async function syncNow({ force = false } = {}) {
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

export function describeResult() {
  if (!lastResult) return "";
  const when = formatWhen(lastResult.at);
  const sent = lastResult.applied.length ? `sent ${lastResult.applied.length}. ` : "";
  return (
    {
      ok: `Last sync at ${when}: ${sent || "all sent. "}`,
      idle: `Last sync at ${when}: nothing to send.`,
      offline: `No network at ${when}: ${sent}the rest is sent when the network returns.`,
      signed_out: `Your session has expired: ${sent}sign in to send the rest.`,
      error: `The server did not take them at ${when} (${lastResult.detail || "error"}): ${sent}trying again later.`,
    }[lastResult.status] || ""
  );
}

// Web Push on the account page (templates/account/_push.html, docs/push.md): subscribes this
// browser with the server's VAPID public key when the user asks, and unsubscribes it.
// The service worker (templates/pwa/sw.js) shows what arrives.

const API = "/api/push-subscriptions";

const STATES = {
  unsupported: "This browser cannot show notifications from FieldOps.",
  denied: "Notifications are blocked for FieldOps in this browser's settings.",
  off: "This phone is not notified.",
  on: "This phone is notified of your issues and visits.",
  failed: "That did not work; try again when you are online.",
};

// The applicationServerKey: the key as the server prints it (base64url) in bytes.
function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const text = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

async function send(method, body) {
  const csrf = await fetch("/api/auth/csrf", { credentials: "same-origin" });
  if (!csrf.ok) throw new Error(`csrf: HTTP ${csrf.status}`);
  const { csrf_token: token } = await csrf.json();
  const response = await fetch(API, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token },
    body: JSON.stringify(body),
  });
  // 404 on removal: the server had already forgotten it.
  if (!response.ok && !(method === "DELETE" && response.status === 404))
    throw new Error(`${method} ${API}: HTTP ${response.status}`);
}

function initPush(section) {
  const state = section.querySelector("[data-push-state]");
  const on = section.querySelector("[data-push-on]");
  const off = section.querySelector("[data-push-off]");
  const show = (name) => {
    state.textContent = STATES[name];
    on.hidden = !["off", "failed"].includes(name);
    off.hidden = name !== "on";
  };
  if (!("serviceWorker" in navigator && "PushManager" in window && "Notification" in window))
    return show("unsupported");
  const registration = () => navigator.serviceWorker.ready;

  on.addEventListener("click", async () => {
    on.disabled = true;
    try {
      if ((await Notification.requestPermission()) !== "granted") return show("denied");
      const subscription = await (await registration()).pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(section.dataset.pushKey),
      });
      await send("POST", subscription.toJSON());
      show("on");
    } catch {
      show("failed");
    } finally {
      on.disabled = false;
    }
  });

  off.addEventListener("click", async () => {
    off.disabled = true;
    try {
      const subscription = await (await registration()).pushManager.getSubscription();
      if (subscription) {
        await send("DELETE", { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      show("off");
    } catch {
      show("failed");
    } finally {
      off.disabled = false;
    }
  });

  if (Notification.permission === "denied") return show("denied");
  registration()
    .then((r) => r.pushManager.getSubscription())
    .then(
      (subscription) => {
        show(subscription ? "on" : "off");
        // Said again at each visit: the server may have dropped it, or it was another user's.
        if (subscription) send("POST", subscription.toJSON()).catch(() => {});
      },
      () => show("off"),
    );
}

document.querySelectorAll("[data-push][data-push-key]").forEach(initPush);

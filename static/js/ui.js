// Small helpers shared by the page modules: dates as people read them, elements, banners.

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// "14:05 CST on Mon 23 Nov", in the phone's own time and zone.
export function formatWhen(date) {
  const pad = (n) => String(n).padStart(2, "0");
  const zone = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" })
    .formatToParts(date)
    .find((part) => part.type === "timeZoneName");
  return (
    `${pad(date.getHours())}:${pad(date.getMinutes())}${zone ? ` ${zone.value}` : ""} on ` +
    `${DAYS[date.getDay()]} ${date.getDate()} ${MONTHS[date.getMonth()]}`
  );
}

function element(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([key, value]) => {
    if (key === "onclick") node.addEventListener("click", value);
    else if (value !== null && value !== undefined && value !== false)
      node.setAttribute(key, value);
  });
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

export { element as h };

// One banner per key under the top bar; `content` null removes it.
// content: {text, kind: "info"|"warn"|"bad", actions: [{label, href} | {label, onClick}]}
export function setBanner(key, content) {
  const box = document.querySelector("[data-banners]");
  if (!box) return;
  const old = box.querySelector(`[data-banner="${key}"]`);
  if (!content) {
    if (old) old.remove();
    return;
  }
  const actions = (content.actions || []).map((action) =>
    action.href
      ? element("a", { class: "button small secondary", href: action.href }, action.label)
      : element(
          "button",
          { type: "button", class: "small secondary", onclick: action.onClick },
          action.label,
        ),
  );
  const banner = element(
    "div",
    { class: `banner banner-${content.kind || "info"}`, "data-banner": key },
    element("span", {}, content.text),
    ...actions,
  );
  if (old) old.replaceWith(banner);
  else box.append(banner);
}

export const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

// A short confirmation ("Issue filed") in a status region at the top of the page; with
// `nextPage`, kept for the page the form goes to next (it survives that navigation).
const SAID = "fieldops-said";

export function say(text, { nextPage = false } = {}) {
  if (nextPage) {
    try {
      sessionStorage.setItem(SAID, text);
      return;
    } catch {
      // no session storage (private mode): said here, for as long as the page stays
    }
  }
  const main = document.querySelector("main");
  if (!main) return;
  let region = main.querySelector("[data-said]");
  if (!region) {
    region = element("p", { class: "flash", role: "status", "data-said": "" });
    main.prepend(region);
  }
  region.textContent = text;
}

// What the previous page said as it sent the user here.
export function showSaid() {
  let text = null;
  try {
    text = sessionStorage.getItem(SAID);
    sessionStorage.removeItem(SAID);
  } catch {
    return;
  }
  if (text) say(text);
}

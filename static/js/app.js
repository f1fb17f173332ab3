// FieldOps page enhancements. Every page works without this file; it only adds comfort:
// the installable app and its offline copies (pwa.js), the outbox (outbox-ui.js), and the
// small helpers below.

import { initOutbox } from "./outbox-ui.js";
import { initPhotoPickers } from "./photos.js";
import { initPwa } from "./pwa.js";
import { showSaid } from "./ui.js";

// Buttons that undo work ask first.
function enhanceConfirm(element) {
  element.addEventListener("click", (event) => {
    if (!window.confirm(element.dataset.confirm)) event.preventDefault();
  });
}

// Selects that filter a list submit their form on change.
function enhanceAutoSubmit(select) {
  select.addEventListener("change", () => {
    if (select.form.requestSubmit) select.form.requestSubmit();
    else select.form.submit(); // Safari before 16
  });
}

// A part of a page worked out slowly (the overview's suggested changes) comes after the
// page: its placeholder links to the part on a page of its own, used without JavaScript.
async function fillIn(placeholder) {
  try {
    const answer = await fetch(placeholder.dataset.fill, {
      credentials: "same-origin",
      headers: { "X-Fragment": "1" },
    });
    if (!answer.ok) return;
    placeholder.outerHTML = await answer.text();
  } catch {
    // offline or refused: the link stays
  }
}

document.querySelectorAll("[data-fill]").forEach(fillIn);
document.querySelectorAll("[data-confirm]").forEach(enhanceConfirm);
document.querySelectorAll("select[data-autosubmit]").forEach(enhanceAutoSubmit);
initPhotoPickers();
showSaid();
initPwa();
initOutbox();

// What is wrong with a form, said on the form in its own words: the browser's checks
// (required, min, max, maxlength: the attributes the server's schema gave the inputs) before
// anything is queued, and the server's refusal (the "words" of a rejected sync result,
// {field path: [sentences]}) next to the inputs they are about. Never a field's path.
import { h } from "./ui.js";

// -120 as people write it: with a true minus sign.
const number = (value) => String(value).replace(/^-/, "\u2212");

// An input's label as the user reads it (without the "required" mark).
export function labelText(el) {
  const label = el.labels?.[0];
  if (!label) return el.getAttribute("aria-label") || el.name.replace(/_/g, " ");
  const copy = label.cloneNode(true);
  for (const mark of copy.querySelectorAll(".req")) mark.remove();
  return copy.textContent.trim();
}

// {input name: label} of a form's inputs, kept with a queued item for the outbox's "Fix".
export function labelsOf(form) {
  const labels = {};
  for (const el of form.elements) if (el.name && el.labels?.length) labels[el.name] = labelText(el);
  return labels;
}

function problemOf(el) {
  const validity = el.validity;
  const label = labelText(el);
  if (el.required && typeof el.value === "string" && !el.value.trim() && el.type !== "checkbox")
    return `${label} is required.`;
  if (!validity || validity.valid) return null;
  if (validity.valueMissing) return `${label} is required.`;
  if (validity.badInput) return `${label} must be a number.`;
  if (validity.rangeUnderflow || validity.rangeOverflow) {
    if (el.min !== "" && el.max !== "")
      return `${label} must be between ${number(el.min)} and ${number(el.max)}.`;
    return validity.rangeUnderflow
      ? `${label} must be at least ${number(el.min)}.`
      : `${label} must be at most ${number(el.max)}.`;
  }
  if (validity.tooLong) return `${label} takes at most ${el.maxLength} characters.`;
  return `${label} is not valid.`;
}

// Every message this module (or the server's page) put on the form, gone.
export function clearErrors(form) {
  for (const node of form.querySelectorAll(".field-error, [data-form-alert]")) node.remove();
  for (const el of form.querySelectorAll("[aria-invalid]")) {
    el.removeAttribute("aria-invalid");
    el.removeAttribute("aria-describedby");
  }
  for (const node of form.querySelectorAll(".has-error")) node.classList.remove("has-error");
}

// The input a field path is about: "fields.rssi_dbm" -> rssi_dbm, "exceptions.0.date" ->
// exceptions.
function inputFor(form, path) {
  const parts = path.split(".").filter((part) => !/^\d+$/.test(part));
  for (const name of [path, parts[parts.length - 1], parts[0]]) {
    const found = name && form.elements.namedItem(name);
    if (found) return found instanceof RadioNodeList ? found[0] : found;
  }
  return null;
}

// Marks the inputs `words` ({path: [sentences]}) are about and says the rest at the top;
// `general` is said at the top when no sentence belongs to an input. Focuses the first.
export function markErrors(form, words, general = "") {
  clearErrors(form);
  const loose = [];
  let first = null;
  for (const [path, said] of Object.entries(words || {})) {
    const el = inputFor(form, path);
    const text = [].concat(said).join(" ");
    if (!el || el.type === "hidden") {
      loose.push(text);
      continue;
    }
    const id = `${el.id || el.name}-error`;
    el.setAttribute("aria-invalid", "true");
    el.setAttribute("aria-describedby", id);
    const box = el.closest(".field, fieldset") || el.parentElement;
    box.classList.add("has-error");
    box.append(h("span", { class: "field-error", id }, text));
    first = first || el;
  }
  if (!loose.length && !first && general) loose.push(general);
  form.prepend(
    h(
      "div",
      { class: "alert", role: "alert", "data-form-alert": "" },
      h("strong", {}, "Please check the form."),
      ...loose.map((text) => h("p", {}, text)),
    ),
  );
  (first || form).focus?.();
}

// The browser's own checks, in the form's words: true when the form may be sent.
export function checkForm(form) {
  const words = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled || el.type === "hidden" || el.closest("[hidden]")) continue;
    const problem = problemOf(el);
    if (problem) words[el.name] = [problem];
  }
  if (!Object.keys(words).length) {
    clearErrors(form);
    return true;
  }
  markErrors(form, words);
  return false;
}

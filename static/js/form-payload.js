// A form marked data-outbox read as the body of its API route (forms -> operations).

// Fields sent as numbers (besides <input type="number">).
export const NUMERIC = new Set([
  "version",
  "latitude",
  "longitude",
  "accuracy_m",
  "store_id",
  "assignee_id",
]);

export function idsOf(form) {
  const ids = {};
  for (const pair of (form.dataset.outboxIds || "").split(/\s+/).filter(Boolean)) {
    const [key, value] = pair.split(":");
    ids[key] = /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return ids;
}

// A field the user left as the page gave it.
function unchanged(el) {
  if (el.type === "hidden") return false;
  if (el.options) return Array.from(el.options).every((o) => o.selected === o.defaultSelected);
  if (el.type === "checkbox" || el.type === "radio") return el.checked === el.defaultChecked;
  return el.value === el.defaultValue;
}

// The form as the JSON body of its API route: empty fields left out (as the server's
// form handling does), the category's own fields under "fields", checkbox groups as lists.
// An update form (data-outbox-changes) sends only what the user changed, so that applying
// it on top of a record changed meanwhile does not undo the other person's changes.
export function payloadOf(form) {
  const payload = idsOf(form);
  const lists = (form.dataset.outboxLists || "").split(/\s+/).filter(Boolean);
  const nullable = (form.dataset.outboxNullable || "").split(/\s+/).filter(Boolean);
  const changesOnly = form.hasAttribute("data-outbox-changes");
  const fieldsBox = form.querySelector("[data-outbox-fields]");
  if (fieldsBox) payload.fields = {};
  for (const el of form.elements) {
    if (
      !el.name ||
      el.name === "csrf_token" ||
      el.hasAttribute("data-page-only") ||
      el.disabled ||
      ["file", "submit", "button"].includes(el.type)
    )
      continue;
    if (changesOnly && unchanged(el)) continue;
    const target = fieldsBox?.contains(el) ? payload.fields : payload;
    if (lists.includes(el.name)) {
      target[el.name] = target[el.name] || [];
      if (el.checked) target[el.name].push(el.value);
      continue;
    }
    if ((el.type === "checkbox" || el.type === "radio") && !el.checked) continue;
    const value = el.value.trim();
    if (value === "") {
      if (nullable.includes(el.name)) target[el.name] = null;
      continue;
    }
    const numeric = (el.type === "number" || NUMERIC.has(el.name)) && !Number.isNaN(Number(value));
    target[el.name] = numeric ? Number(value) : value;
  }
  return payload;
}

export function labelOf(form, payload) {
  const label = form.dataset.outboxLabel || form.dataset.outbox;
  const text = payload.title || payload.body;
  return text ? `${label}: ${text.length > 50 ? `${text.slice(0, 50)}…` : text}` : label;
}

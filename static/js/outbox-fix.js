// The /outbox page's "Fix": a simple form of a refused item's fields, to correct and resend.
import { NUMERIC } from "./form-payload.js";
import { Outbox } from "./outbox-state.js";
import { syncNow } from "./outbox-sync.js";
import { h } from "./ui.js";

const LOCKED = new Set(["visit_id", "issue_id", "store_id"]); // the record it is about

export function flatten(value, prefix = "", out = {}) {
  for (const [key, inner] of Object.entries(value || {})) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (inner && typeof inner === "object" && !Array.isArray(inner)) flatten(inner, name, out);
    else out[name] = inner;
  }
  return out;
}

// A field of a queued item as its form labelled it ("fields.rssi_dbm" -> "Signal (dBm)"),
// else its last name in words: never its path.
export function fieldLabel(item, name) {
  const leaf =
    name
      .split(".")
      .filter((part) => !/^\d+$/.test(part))
      .pop() || name;
  const label = item.labels?.[leaf] || leaf.replace(/_/g, " ");
  return label.charAt(0).toUpperCase() + label.slice(1);
}

// A simple form of the payload's fields (and of fields the server named), to fix and resend;
// `onCancel` redraws the outbox page.
export function fixForm(item, li, onCancel) {
  const values = flatten(item.payload);
  const errors = item.error?.words || flatten(item.error?.errors);
  const skip = (name) =>
    ["_schema", "_form", "json"].includes(name) ||
    Object.keys(values).some((other) => other.startsWith(`${name}.`)) ||
    (item.payload[name] !== null &&
      typeof item.payload[name] === "object" &&
      !Array.isArray(item.payload[name]));
  const names = [...new Set([...Object.keys(values), ...Object.keys(errors)])].filter(
    (name) => !skip(name),
  );
  const form = h("form", { class: "stack fix-form", novalidate: true });
  for (const name of names) {
    const id = `fix-${item.client_id}-${name}`;
    const value = values[name];
    const input = h("input", {
      id,
      name,
      value: Array.isArray(value) ? value.join(", ") : (value ?? ""),
    });
    if (LOCKED.has(name)) input.readOnly = true;
    form.append(
      h(
        "div",
        { class: `field${errors[name] ? " has-error" : ""}` },
        h(
          "label",
          { for: id },
          fieldLabel(item, name) + (Array.isArray(value) ? " (comma-separated)" : ""),
        ),
        input,
        errors[name]
          ? h("span", { class: "field-error" }, [].concat(errors[name]).join(" "))
          : null,
      ),
    );
  }
  form.append(
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit" }, "Save and send"),
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          onclick: () => {
            delete li.dataset.editing;
            onCancel();
          },
        },
        "Cancel",
      ),
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const payload = {};
    for (const input of form.elements) {
      if (!input.name) continue;
      const original = values[input.name];
      const text = input.value.trim();
      let value = text;
      if (Array.isArray(original))
        value = text
          .split(",")
          .map((part) => part.trim())
          .filter(Boolean);
      else if (text === "" && original !== null)
        continue; // left empty: not given
      else if (text === "") value = null;
      else if (
        (typeof original === "number" || NUMERIC.has(input.name)) &&
        !Number.isNaN(Number(text))
      )
        value = Number(text);
      const path = input.name.split(".");
      let target = payload;
      path.slice(0, -1).forEach((key) => {
        target = target[key] = target[key] || {};
      });
      target[path[path.length - 1]] = value;
    }
    if (item.payload.fields && !payload.fields) payload.fields = {};
    delete li.dataset.editing;
    await Outbox.retry(item.client_id, payload);
    syncNow({ force: true });
  });
  return form;
}

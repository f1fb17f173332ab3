// Photos chosen in a form: previewed, removable and added to as they are chosen (up to the
// field's data-photo-max), then made smaller on the phone before they are queued.
import { h } from "./ui.js";

const PHOTO_SIDE = 2048; // px: the long side of a photo as it is queued (about 3 MP)
const PHOTO_SMALL = 1024 * 1024; // bytes: smaller photos are queued as they are

// A phone camera's photo made smaller before it is queued: on a store's poor network a
// 10 MB photo may never finish uploading. Anything that cannot be read this way (not an
// image, an old browser) is queued as it is, for the server to judge.
async function shrink(file) {
  if (
    file.size <= PHOTO_SMALL ||
    !/^image\/(jpeg|png|webp)$/.test(file.type) ||
    !window.createImageBitmap
  )
    return file;
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    if (!blob || blob.size >= file.size) return file;
    return new File([blob], `${file.name.replace(/\.\w+$/, "")}.jpg`, { type: "image/jpeg" });
  } catch {
    return file;
  }
}

// The files each photo field holds for its form, in the order chosen. A phone's picker
// replaces the field's own selection each time it opens; this list adds to it instead.
const chosen = new WeakMap(); // input → File[]

function photoInput(form) {
  return form.querySelector('input[type="file"]');
}

export async function photosOf(form) {
  const input = photoInput(form);
  const files = (input && chosen.get(input)) || Array.from(input?.files || []);
  const shrunk = await Promise.all(files.map(shrink));
  return shrunk.map((file) => ({
    blob: file,
    filename: file.name,
    target: form.dataset.outboxPhoto,
  }));
}

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

// The field's files set to the list too, where the browser allows it (not Safari before
// 14.1): a form that could not be queued is then posted the classic way with all of them.
function mirror(input, files) {
  if (typeof DataTransfer !== "function") return;
  try {
    const transfer = new DataTransfer();
    for (const file of files) transfer.items.add(file);
    input.files = transfer.files;
  } catch {
    // the form still sends the list through the outbox
  }
}

// A photo field that adds each choice to the list, with a preview strip of the chosen
// photos, each with its Remove button, and a count of them. The record holds at most
// data-photo-max photos, data-photo-present of them already; past that the rest are
// refused, in words.
function enhancePicker(input) {
  const max = Number(input.dataset.photoMax);
  const present = Number(input.dataset.photoPresent || 0);
  const room = Math.max(max - present, 0);
  const files = [];
  const urls = [];
  chosen.set(input, files);
  const count = h("p", { class: "hint photo-count", "aria-live": "polite" });
  const refused = h("p", { class: "field-error", role: "alert" });
  const strip = h("ul", { class: "photo-picks", "aria-label": "Chosen photos" });
  input.after(strip, count, refused);

  function show(focusAt) {
    strip.replaceChildren(
      ...files.map((file, i) =>
        h(
          "li",
          {},
          h("img", { src: urls[i], alt: `Photo ${i + 1}: ${file.name}`, width: 96, height: 96 }),
          h(
            "button",
            {
              type: "button",
              class: "secondary",
              "aria-label": `Remove photo ${i + 1}`,
              onclick: () => remove(i),
            },
            "Remove",
          ),
        ),
      ),
    );
    const total = `${present + files.length} of ${plural(max, "photo")}`;
    if (!files.length) count.textContent = "";
    else if (!present) count.textContent = total;
    else count.textContent = `${files.length} chosen: ${total} with the ${present} it has`;
    mirror(input, files);
    if (focusAt === undefined) return;
    const buttons = strip.querySelectorAll("button");
    (buttons[Math.min(focusAt, buttons.length - 1)] || input).focus();
  }

  function remove(index) {
    URL.revokeObjectURL(urls[index]);
    files.splice(index, 1);
    urls.splice(index, 1);
    refused.textContent = "";
    show(index);
  }

  input.addEventListener("change", () => {
    const picked = Array.from(input.files).filter((file) => !files.includes(file));
    const taken = picked.slice(0, Math.max(room - files.length, 0));
    files.push(...taken);
    urls.push(...taken.map((file) => URL.createObjectURL(file)));
    const left = picked.length - taken.length;
    if (!left) refused.textContent = "";
    else if (!room) refused.textContent = `It has ${plural(max, "photo")}, the most it can have.`;
    else
      refused.textContent = `At most ${plural(max, "photo")} can be added here${
        present ? ` (it has ${present})` : ""
      }: ${plural(left, "photo")} not added.`;
    show();
  });
  input.form?.addEventListener("reset", () => {
    for (const url of urls) URL.revokeObjectURL(url);
    files.length = 0;
    urls.length = 0;
    refused.textContent = "";
    show();
  });
}

export function initPhotoPickers() {
  document.querySelectorAll('input[type="file"][data-photo-max]').forEach(enhancePicker);
}

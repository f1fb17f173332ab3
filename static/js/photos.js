// Photos chosen in a form, made smaller on the phone before they are queued.

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

export async function photosOf(form) {
  const input = form.querySelector('input[type="file"]');
  if (!input?.files.length) return [];
  const files = await Promise.all(Array.from(input.files, shrink));
  return files.map((file) => ({
    blob: file,
    filename: file.name,
    target: form.dataset.outboxPhoto,
  }));
}

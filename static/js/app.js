// FieldOps page enhancements. Every page works without this file; it only adds comfort.

// Check-in forms: fill in the phone's position before sending, when the phone gives one.
// The position is optional: on refusal or timeout the form is sent without it.
function enhanceGeolocation(form) {
  form.addEventListener("submit", (event) => {
    if (form.dataset.located || !("geolocation" in navigator)) return;
    event.preventDefault();
    const send = () => { form.dataset.located = "1"; form.submit(); };
    const status = form.querySelector("[data-geo-status]");
    if (status) status.textContent = "Getting your position…";
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        form.elements.latitude.value = pos.coords.latitude.toFixed(6);
        form.elements.longitude.value = pos.coords.longitude.toFixed(6);
        form.elements.accuracy_m.value = Math.round(pos.coords.accuracy);
        send();
      },
      send,
      { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 },
    );
  });
}

// Buttons that undo work ask first.
function enhanceConfirm(element) {
  element.addEventListener("click", (event) => {
    if (!window.confirm(element.dataset.confirm)) event.preventDefault();
  });
}

// Selects that filter a list submit their form on change.
function enhanceAutoSubmit(select) {
  select.addEventListener("change", () => select.form.requestSubmit());
}

document.querySelectorAll("form[data-geolocate]").forEach(enhanceGeolocation);
document.querySelectorAll("[data-confirm]").forEach(enhanceConfirm);
document.querySelectorAll("select[data-autosubmit]").forEach(enhanceAutoSubmit);

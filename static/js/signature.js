// Drawn signature for the decide-and-sign page: signature_pad on a canvas sized for the
// device's pixel ratio; the PNG goes into a hidden field on submit.
(function () {
  "use strict";
  var canvas = document.getElementById("signature-pad");
  if (!canvas || typeof SignaturePad === "undefined") return;
  var form = document.getElementById("sign-form");
  var pad = new SignaturePad(canvas, { penColor: "#0b1f44", minWidth: 0.8, maxWidth: 2.4 });

  function resize() {
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    var data = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(data);
  }
  window.addEventListener("resize", resize);
  resize();

  document.getElementById("signature-clear").addEventListener("click", function () {
    pad.clear();
  });

  // Draw, or adopt the typed name (keyboard and screen-reader users): only the chosen panel shows.
  var drawnPanel = document.getElementById("signature-drawn");
  var typedPanel = document.getElementById("signature-typed");
  var preview = document.getElementById("typed-signature-preview");
  var nameInput = document.getElementById("id_typed_name");
  function showMethod() {
    var chosen = form.querySelector("input[name='signature_method']:checked");
    var typed = chosen && chosen.value === "typed";
    drawnPanel.hidden = typed;
    typedPanel.hidden = !typed;
    if (!typed) resize();
  }
  form.querySelectorAll("input[name='signature_method']").forEach(function (radio) {
    radio.addEventListener("change", showMethod);
  });
  nameInput.addEventListener("input", function () { preview.textContent = nameInput.value; });
  showMethod();

  var zone = document.getElementById("id_signer_timezone");
  try {
    zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    zone.value = "";
  }

  // A message next to a field goes as soon as the field is changed, so a fixed mistake does not
  // keep saying it is wrong (the server checks everything again on submit).
  function clearError(field) {
    var holder = field.closest(".form-check, .col-12, fieldset, .card-body");
    field.classList.remove("is-invalid");
    field.removeAttribute("aria-invalid");
    if (!holder) return;
    holder.querySelectorAll("[name='" + field.name + "']").forEach(function (peer) {
      peer.classList.remove("is-invalid");
      peer.removeAttribute("aria-invalid");
    });
    holder.querySelectorAll("[data-error-for='" + field.name + "']").forEach(function (message) {
      message.remove();
    });
  }
  form.addEventListener("input", function (event) { clearError(event.target); });
  form.addEventListener("change", function (event) { clearError(event.target); });
  pad.addEventListener("endStroke", function () {
    var box = canvas.closest(".signature-box");
    box.classList.remove("is-invalid");
    document.querySelectorAll("[data-error-for='signature']").forEach(function (message) { message.remove(); });
  });

  form.addEventListener("submit", function () {
    document.getElementById("id_signature").value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
  });
})();

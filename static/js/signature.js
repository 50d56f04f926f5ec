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

  var zone = document.getElementById("id_signer_timezone");
  try {
    zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    zone.value = "";
  }

  form.addEventListener("submit", function () {
    document.getElementById("id_signature").value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
  });
})();

// The done page while the signed PDF is being sealed: asks the server again every few seconds and
// swaps in the download button when it is ready, instead of reloading the whole page (a
// meta refresh moves a screen reader back to the top and fails WCAG 2.2.1).
(function () {
  "use strict";
  var status = document.getElementById("signed-copy");
  if (!status || status.dataset.ready === "true") return;
  var tries = 0;

  function check() {
    tries += 1;
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("signed-copy");
        if (fresh && fresh.dataset.ready === "true") {
          status.replaceChildren.apply(status, Array.from(fresh.childNodes));
          status.dataset.ready = "true";
        } else if (tries < 60) {
          window.setTimeout(check, 5000);
        }
      })
      .catch(function () { if (tries < 60) window.setTimeout(check, 5000); });
  }
  window.setTimeout(check, 3000);
})();

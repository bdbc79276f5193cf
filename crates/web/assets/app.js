// ClusterXchange web pages: small enhancements only. Every page works without this file.
(function () {
  "use strict";
  // An error summary takes focus, so keyboard and screen-reader users land on it.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  // Exchange figures: after a date changes, ask the server for the figures panel again
  // (the same one the "Update figures" button renders without JavaScript).
  var form = document.querySelector("form[data-figures]");
  if (form && window.fetch) {
    var panel = document.getElementById("figures");
    var timer = null;
    var refresh = function () {
      var data = new URLSearchParams(new FormData(form));
      data.delete("csrf");
      fetch(form.getAttribute("data-figures") + "?" + data.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null && panel) { panel.innerHTML = html; } })
        .catch(function () {});
    };
    form.addEventListener("change", function (e) {
      if (e.target && /date|host_organisation_id|organisation_id/.test(e.target.name)) {
        clearTimeout(timer);
        timer = setTimeout(refresh, 250);
      }
    });
  }
})();

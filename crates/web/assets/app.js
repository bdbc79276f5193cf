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

  // Queue shortcuts (listed on the page): j/k move between applications, Enter opens the
  // one in focus (a link already does), / goes to the filters, n/p to the next or first
  // page. Never while typing in a field, never with a modifier key.
  var table = document.querySelector("table[data-shortcuts]");
  if (table) {
    var links = Array.prototype.slice.call(table.querySelectorAll("a.row-link"));
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.ctrlKey || e.metaKey || e.altKey) { return; }
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) { return; }
      var at = links.indexOf(document.activeElement);
      if (e.key === "j" || e.key === "k") {
        if (!links.length) { return; }
        var next = e.key === "j" ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
        links[next].focus();
        e.preventDefault();
      } else if (e.key === "/") {
        var first = document.querySelector("form.filters select, form.filters input");
        if (first) { first.focus(); e.preventDefault(); }
      } else if (e.key === "n" || e.key === "p") {
        var a = document.querySelector("nav.pager a[data-key='" + e.key + "']");
        if (a) { window.location.href = a.href; e.preventDefault(); }
      }
    });
  }
})();

// veille: small progressive enhancements; every page works without this script.
(function () {
  "use strict";
  // filter forms: a changed drop-down applies the filter at once
  document.querySelectorAll("form.filters select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.requestSubmit(); });
  });
  // event table: a click anywhere on a row opens the event
  document.querySelectorAll("tr[data-href]").forEach(function (row) {
    row.addEventListener("click", function (ev) {
      if (ev.target.closest("a")) { return; }
      var href = row.getAttribute("data-href");
      if (href && href.charAt(0) === "/" && href.charAt(1) !== "/") { window.location.assign(href); }
    });
  });
  // event page: bring the evidence named in the address (#m-…) into view
  if (window.location.hash) {
    var target = document.getElementById(window.location.hash.slice(1));
    if (target) { target.scrollIntoView({block: "center"}); }
  }
})();

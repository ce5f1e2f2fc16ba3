// The web view's one script, an enhancement only: every page works without
// it. It highlights `#L12-L20` line ranges (CSS alone highlights `#L12`) and
// lets shift-click on a line number extend a range. Live updates of CI pages
// attach here too (web/live/).

export const APP_JS = `
(function () {
  "use strict";
  function rows() { return document.querySelectorAll("table.code tr[id^='L']"); }
  function mark() {
    var m = /^#L(\\d+)(?:-L(\\d+))?$/.exec(location.hash);
    rows().forEach(function (tr) { tr.classList.remove("hl"); });
    if (!m || !m[2]) return;
    var a = Number(m[1]), b = Number(m[2]);
    if (b < a) { var t = a; a = b; b = t; }
    for (var n = a; n <= b; n++) { var tr = document.getElementById("L" + n); if (tr) tr.classList.add("hl"); }
    var first = document.getElementById("L" + a);
    if (first) first.scrollIntoView({ block: "center" });
  }
  var anchor = null;
  document.addEventListener("click", function (e) {
    var a = e.target && e.target.closest ? e.target.closest("td.ln a[href^='#L']") : null;
    if (!a) return;
    var n = Number(a.getAttribute("href").slice(2));
    if (e.shiftKey && anchor !== null) {
      e.preventDefault();
      var lo = Math.min(anchor, n), hi = Math.max(anchor, n);
      history.replaceState(null, "", "#L" + lo + "-L" + hi);
      mark();
      var hist = document.querySelector("a[data-history]");
      if (hist) hist.href = hist.getAttribute("data-history") + "?lines=" + lo + "-" + hi;
    } else anchor = n;
  });
  window.addEventListener("hashchange", mark);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark); else mark();
})();
`;

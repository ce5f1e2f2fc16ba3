// The web view's one script, an enhancement only: every page works without
// it. It highlights `#L12-L20` line ranges (CSS alone highlights `#L12`), lets
// shift-click on a line number extend a range, shows `time.age` elements as
// ages ("3 days ago"), and keeps run pages and run lists live (web/live/).

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

  // Live run pages and run lists (web/live/): Server-Sent Events; the browser
  // reconnects by itself and sends Last-Event-ID, so nothing is lost or doubled.
  function note(text, cls) {
    var el = document.getElementById("live-note");
    if (!el) return;
    el.textContent = text;
    el.className = "live-note " + (cls || "live-on");
  }
  function lastLine(body) {
    var last = body.lastElementChild;
    var m = last ? /-?L(\\d+)$/.exec(last.id) : null;
    return m ? Number(m[1]) : 0;
  }
  function liveRun(root) {
    var url = root.getAttribute("data-live");
    if (!url || !window.EventSource) return;
    var es = new EventSource(url + "?cursor=" + encodeURIComponent(root.getAttribute("data-cursor") || ""));
    // The page and the stream disagree: stop rather than show lines out of place.
    function behind() { es.close(); note("This page fell behind the run: reload it to see the rest.", "live-off"); }
    note("Live: this page follows the run as it goes.");
    es.addEventListener("open", function () { note("Live: this page follows the run as it goes."); });
    es.addEventListener("error", function () { if (es.readyState !== 2) note("Reconnecting…", "live-off"); });
    es.addEventListener("run", function (e) {
      var d = JSON.parse(e.data);
      var head = document.getElementById("run-head"); if (head) head.innerHTML = d.head;
      var graph = document.getElementById("run-graph"); if (graph) graph.innerHTML = d.graph;
      var tpl = document.createElement("template");
      tpl.innerHTML = d.skeleton;
      var jobs = document.getElementById("run-jobs");
      d.jobs.forEach(function (job) {
        var sec = document.getElementById(job.id);
        if (!sec) {
          sec = tpl.content.getElementById(job.id);
          if (!sec || !jobs) return;
          jobs.appendChild(sec);
        } else {
          sec.className = "job box job-" + job.state;
          var jh = sec.querySelector(".job-head"); if (jh) jh.innerHTML = job.head;
        }
        var list = sec.querySelector(".sh-list");
        job.sh.forEach(function (sh) {
          var blk = document.getElementById(sh.id);
          if (!blk) {
            blk = tpl.content.getElementById(sh.id);
            if (blk && list) list.appendChild(blk);
          } else {
            var sh2 = blk.querySelector(".sh-head"); if (sh2) sh2.innerHTML = sh.head;
          }
        });
      });
    });
    es.addEventListener("log", function (e) {
      var d = JSON.parse(e.data);
      var table = document.querySelector('table[data-log="' + d.log + '"]');
      if (!table) { behind(); return; }
      var body = table.tBodies[0];
      var have = lastLine(body);
      if (d.from > have + 1) { behind(); return; }
      var rows = d.rows.slice(have + 1 - d.from);
      if (rows.length > 0) body.insertAdjacentHTML("beforeend", rows.join(""));
    });
    es.addEventListener("end", function () { es.close(); note("This run is over: the page shows all of it.", "live-done"); });
    es.addEventListener("reload", behind);
  }
  function liveList(table) {
    var url = table.getAttribute("data-live");
    if (!url || !window.EventSource) return;
    var es = new EventSource(url + (url.indexOf("?") < 0 ? "?" : "&") + "since=" + encodeURIComponent(table.getAttribute("data-since") || ""));
    var want = table.getAttribute("data-state");
    var body = table.tBodies[0];
    note("Live: new runs and state changes show as they happen.");
    es.addEventListener("error", function () { if (es.readyState !== 2) note("Reconnecting…", "live-off"); });
    es.addEventListener("row", function (e) {
      var d = JSON.parse(e.data);
      var row = document.getElementById("run-" + d.id);
      if (want && d.state !== want) { if (row) row.remove(); return; }
      if (row) { row.outerHTML = d.html; return; }
      var first = body.firstElementChild;
      if (table.getAttribute("data-first-page") && (!first || Number(first.getAttribute("data-queued")) <= d.queued)) {
        body.insertAdjacentHTML("afterbegin", d.html);
        var box = table.closest(".box"); if (box) box.hidden = false;
      }
    });
  }
  // Durations of what is still running (data-since, ms; in the job graph's SVG
  // too) grow once a second, written as layout/components formatDuration writes them.
  function dur(ms) {
    if (ms < 1000) return Math.max(0, Math.round(ms)) + "ms";
    var s = Math.floor(ms / 1000);
    if (s < 60) return (ms / 1000).toFixed(1) + "s";
    var m = Math.floor(s / 60);
    if (m < 60) return m + "m " + String(s % 60).padStart(2, "0") + "s";
    var h = Math.floor(m / 60);
    if (h < 48) return h + "h " + String(m % 60).padStart(2, "0") + "m";
    return Math.floor(h / 24) + "d " + String(h % 24).padStart(2, "0") + "h";
  }
  setInterval(function () {
    var now = Date.now();
    document.querySelectorAll(".running[data-since]").forEach(function (el) {
      el.textContent = dur(now - Number(el.getAttribute("data-since"))) + "…";
    });
  }, 1000);
  function live() {
    var run = document.getElementById("run");
    if (run) liveRun(run);
    var runs = document.getElementById("runs");
    if (runs) liveList(runs);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", live); else live();
  function ages() {
    var now = Date.now();
    document.querySelectorAll("time.age[datetime]").forEach(function (t) {
      var ms = now - Date.parse(t.getAttribute("datetime"));
      if (!(ms >= 0)) return;
      var m = Math.floor(ms / 60000), h = Math.floor(m / 60), d = Math.floor(h / 24);
      var text = m < 1 ? "just now" : m < 60 ? m + " min ago" : h < 48 ? h + " h ago" : d < 60 ? d + " days ago" : d < 730 ? Math.floor(d / 30) + " months ago" : Math.floor(d / 365) + " years ago";
      if (!t.title) t.title = t.textContent;
      t.textContent = text;
    });
  }
  function ready() { mark(); ages(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready); else ready();
})();
`;

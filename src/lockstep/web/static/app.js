// lockstep dashboard: load panels with a spinner, draw Plotly charts, link chart points to the text behind them,
// record narrative reviews. All text arrives escaped from the server; this file never builds HTML from data.
(function () {
  "use strict";

  function showEvidence(target) {
    if (typeof target !== "string") return;
    if (/^\/(?!\/)[A-Za-z0-9_\-\/?=&%.#+]*$/.test(target)) { window.location.href = target; return; }
    if (!/^[A-Za-z0-9_-]+$/.test(target)) return;
    var el = document.getElementById(target);
    if (!el) return;
    var details = el.closest("details");
    if (details) details.open = true;
    history.replaceState(null, "", "#" + target);
    el.scrollIntoView({ behavior: "smooth", block: "start" });
    el.classList.remove("flash"); void el.offsetWidth; el.classList.add("flash");
  }

  function drawCharts(root) {
    if (typeof Plotly === "undefined") return;
    root.querySelectorAll("div.chart[data-figure]").forEach(function (el) {
      if (el.getAttribute("data-rendered")) return;
      var spec = document.getElementById(el.getAttribute("data-figure"));
      if (!spec) return;
      var figure = JSON.parse(spec.textContent);
      Plotly.newPlot(el, figure.data, figure.layout, { responsive: true, displaylogo: false }).then(function () {
        el.setAttribute("data-rendered", "true");
      });
      el.on("plotly_click", function (event) {
        if (event && event.points && event.points.length) showEvidence(event.points[0].customdata);
      });
    });
  }

  function loadPanel(panel) {
    var body = panel.querySelector(".panel-body");
    var started = Date.now();
    var timer = setInterval(function () {
      var label = body.querySelector(".loading");
      if (label) label.textContent = "loading… " + Math.round((Date.now() - started) / 1000) + " s";
    }, 1000);
    return fetch(panel.getAttribute("data-src"), { headers: { Accept: "text/html" } })
      .then(function (response) { return response.text().then(function (html) { return [response.ok, html]; }); })
      .then(function (result) {
        body.innerHTML = result[1];  // server-rendered with Jinja2 autoescaping: data is already escaped
        panel.setAttribute("data-loaded", result[0] ? "true" : "error");
        drawCharts(body);
        if (window.location.hash) {
          var target = document.getElementById(window.location.hash.slice(1));
          if (target && body.contains(target)) target.scrollIntoView();
        }
      })
      .catch(function (err) {
        body.textContent = "Could not load this panel: " + err;
        panel.setAttribute("data-loaded", "error");
      })
      .finally(function () { clearInterval(timer); });
  }

  function review(button) {
    var coderInput = document.getElementById("coder");
    var coder = coderInput ? coderInput.value.trim() : "";
    var box = button.closest(".review-box");
    var status = box ? box.querySelector(".status") : null;
    if (!coder) { if (status) status.textContent = "enter your coder name first"; if (coderInput) coderInput.focus(); return; }
    try { localStorage.setItem("lockstep-coder", coder); } catch (e) { /* private mode */ }
    var decision = button.getAttribute("data-decision");
    fetch("/api/narratives/review", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ hit_id: button.getAttribute("data-hit"), decision: decision, coder: coder })
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!status) return;
        if (response.ok) { status.textContent = decision === "accept" ? "accepted by " + coder : "rejected by " + coder;
                           box.setAttribute("data-status", decision === "accept" ? "accepted" : "rejected"); }
        else status.textContent = "not saved: " + (data.error || response.status);
      });
    }).catch(function (err) { if (status) status.textContent = "not saved: " + err; });
  }

  function saveDocumentReview(form) {
    var coderInput = document.getElementById("coder");
    var coder = coderInput ? coderInput.value.trim() : "";
    var status = form.querySelector(".save-status");
    if (!coder) { status.textContent = "enter your coder name first"; if (coderInput) coderInput.focus(); return; }
    try { localStorage.setItem("lockstep-coder", coder); } catch (e) { /* private mode */ }
    var labels = Array.prototype.map.call(form.querySelectorAll("input[name=label]:checked"), function (el) { return el.value; });
    var none = form.querySelector("input[name=none]").checked;
    if (!labels.length && !none) { status.textContent = "tick the narratives it carries, or “carries none”"; return; }
    fetch("/api/narratives/document-review", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ doc_id: form.getAttribute("data-doc"), labels: labels, none: none, coder: coder })
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.ok) {
          var said = data.labels.length ? data.labels.join("; ") : "carries none";
          status.textContent = "saved: " + said + " by " + coder;
          var card = form.closest(".doc-review");
          if (card) {
            card.setAttribute("data-status", "reviewed");
            var state = card.querySelector(".review-state");
            if (state) state.textContent = "reviewed by " + coder + ": " + said;
          }
        } else status.textContent = "not saved: " + (data.error || data.detail || response.status);
      });
    }).catch(function (err) { status.textContent = "not saved: " + err; });
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.closest || box.type !== "checkbox") return;
    var form = box.closest("form.doc-review-form");
    if (!form || !box.checked) return;
    if (box.name === "none") form.querySelectorAll("input[name=label]").forEach(function (el) { el.checked = false; });
    else form.querySelector("input[name=none]").checked = false;
  });

  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form.doc-review-form");
    if (form) { event.preventDefault(); saveDocumentReview(form); }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.review-btn");
    if (button) { event.preventDefault(); review(button); }
    var link = event.target.closest && event.target.closest("a.ev-link");
    if (link) { event.preventDefault(); showEvidence(link.getAttribute("href").slice(1)); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var coderInput = document.getElementById("coder");
    if (coderInput) { try { coderInput.value = localStorage.getItem("lockstep-coder") || ""; } catch (e) { /* */ } }
    document.querySelectorAll("form.filters").forEach(function (form) {
      form.addEventListener("submit", function () {
        var spin = form.querySelector(".spinner"); if (spin) spin.hidden = false;
        form.querySelectorAll("input, select").forEach(function (el) { if (!el.value) el.disabled = true; });
      });
    });
    drawCharts(document);
    var panels = Array.prototype.slice.call(document.querySelectorAll(".panel[data-src]"));
    panels.reduce(function (chain, panel) { return chain.then(function () { return loadPanel(panel); }); },
                  Promise.resolve()).then(function () { document.body.setAttribute("data-panels-loaded", "true"); });
  });
  window.lockstepShowEvidence = showEvidence;
})();

// Draw every chart from its JSON block; clicking a point scrolls to the text behind it (customdata = anchor id).
(function () {
  "use strict";
  function showEvidence(id) {
    if (typeof id !== "string" || !/^[A-Za-z0-9_-]+$/.test(id)) return;
    var el = document.getElementById(id);
    if (!el) return;
    var details = el.closest("details");
    if (details) details.open = true;
    history.replaceState(null, "", "#" + id);
    el.scrollIntoView({ behavior: "smooth", block: "start" });
    el.classList.remove("flash"); void el.offsetWidth; el.classList.add("flash");
  }
  window.lockstepShowEvidence = showEvidence;
  document.querySelectorAll("div.chart[data-figure]").forEach(function (el) {
    var spec = document.getElementById(el.getAttribute("data-figure"));
    if (!spec || typeof Plotly === "undefined") return;
    var figure = JSON.parse(spec.textContent);
    Plotly.newPlot(el, figure.data, figure.layout, { responsive: true, displaylogo: false }).then(function () {
      el.setAttribute("data-rendered", "true");
    });
    el.on("plotly_click", function (event) {
      if (event && event.points && event.points.length) showEvidence(event.points[0].customdata);
    });
  });
})();

// The letter coverage map (merchants/coverage.html), a static file: the Content-Security-Policy
// allows no inline scripts.
(function () {
  var el = document.getElementById("coverage-map");
  var map = L.map(el, { preferCanvas: true });
  function colour(s) { if (s === null) return "#d0d5dd"; if (s < 0.4) return "#c0392b"; if (s < 0.7) return "#e67e22"; if (s < 0.9) return "#f1c40f"; return "#27ae60"; }
  fetch(el.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
    var layer = L.geoJSON(data, {
      style: function (f) { return { color: "#555", weight: 0.4, fillColor: colour(f.properties.share), fillOpacity: 0.75 }; },
      onEachFeature: function (f, l) { var p = f.properties; l.bindTooltip(p.code + "：" + p.signed + "/" + p.active + (p.share === null ? "" : "（" + Math.round(p.share * 1000) / 10 + "%）")); }
    }).addTo(map);
    if (data.features.length) map.fitBounds(layer.getBounds()); else map.setView([34.75, 113.62], 13);
  });
})();

/* A patrol's track on the map: the good fixes as a line (what the length counts), the poor ones as
 * faint dots, start and end marked, the grids covered filled. Coordinates are WGS-84 as stored, drawn
 * as the grid and case maps draw them: on the configured tile layer, or on plain ground without one. */
(function () {
  "use strict";

  const cfg = JSON.parse(document.getElementById("patrol-map-config").textContent);
  const T = cfg.text;
  const el = document.getElementById("patrol-map");
  const map = L.map(el, { attributionControl: Boolean(cfg.tileUrl), maxZoom: 19 });
  if (!cfg.tileUrl) el.classList.add("no-tiles"); // basemap.js draws the tiles or the offline streets

  // The view first: Leaflet draws vector layers only on a map that has one.
  const covered = L.geoJSON(cfg.grids, {
    style: { color: "#b45309", weight: 1.5, fillColor: "#f59e0b", fillOpacity: 0.35 },
    onEachFeature: (f, layer) => {
      const n = T.fixes.replace("%(n)s", String(f.properties.fixes));
      layer.bindTooltip(`${f.properties.code} · ${n}`, { sticky: true });
    },
  });
  const bounds = cfg.track.length ? L.latLngBounds(cfg.track) : covered.getLayers().length ? covered.getBounds() : null;
  if (bounds && bounds.isValid()) {
    map.fitBounds(bounds.pad(0.15), { maxZoom: 18 });
  } else if (cfg.extent) {
    const b = cfg.extent.bbox;
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [12, 12] });
  } else {
    map.setView([34.75, 113.62], 13);
  }

  if (cfg.outlines) {
    L.geoJSON(cfg.outlines, {
      interactive: false,
      style: { color: "#5b6b7f", weight: 1.4, fillColor: "#9fb3c8", fillOpacity: 0.12 },
    }).addTo(map);
  }
  covered.addTo(map);

  const dot = { radius: 4, color: "#6b7280", weight: 1, fillColor: "#d1d5db", fillOpacity: 0.9, interactive: false };
  cfg.poor.forEach((ll) => L.circleMarker(ll, dot).addTo(map));
  if (cfg.track.length) {
    L.polyline(cfg.track, { color: "#1d4ed8", weight: 4, opacity: 0.9 }).addTo(map);
    const ends = [
      [cfg.track[0], "#16a34a", T.start],
      [cfg.track[cfg.track.length - 1], "#dc2626", T.end],
    ];
    ends.forEach(([ll, colour, label]) =>
      L.circleMarker(ll, { radius: 7, color: "#fff", weight: 2, fillColor: colour, fillOpacity: 1 })
        .bindTooltip(label, { permanent: false })
        .addTo(map));
  }

  el.dataset.trackPoints = String(cfg.track.length);
})();

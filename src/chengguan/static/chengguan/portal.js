/* The public pages' maps. No tile server is assumed (the portal must work on a cut-off network):
 * the district's sub-district outlines give the context. The report map places one draggable pin
 * whose WGS-84 position fills the form; the home map shades the grids by their recent reports. */
(function () {
  "use strict";
  const cfgNode = document.getElementById("map-config");
  if (!cfgNode || !window.L) return;
  const cfg = JSON.parse(cfgNode.textContent);

  function baseMap(id) {
    const map = L.map(id, { attributionControl: false, zoomSnap: 0.5 });
    if (cfg.outlines) {
      L.geoJSON(cfg.outlines, {
        interactive: false,
        style: { color: "#5b6b7f", weight: 1.2, fillColor: "#9fb3c8", fillOpacity: 0.15 },
      }).addTo(map);
    }
    if (cfg.extent) {
      const b = cfg.extent.bbox;
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [8, 8] });
    } else {
      map.setView([34.75, 113.62], 13);
    }
    return map;
  }

  /* ---- report: one pin, WGS-84 ---- */
  const pinEl = document.getElementById("pin-map");
  if (pinEl) {
    const map = baseMap("pin-map");
    const lonInput = document.getElementById("id_lon");
    const latInput = document.getElementById("id_lat");
    const crsInput = document.getElementById("id_crs");
    const icon = L.divIcon({ className: "", html: '<div class="pp-pin"></div>', iconSize: [0, 0] });
    const fixed = (v) => Number(v).toFixed(6);
    let marker = null;
    const place = (lat, lon, zoom) => {
      lonInput.value = fixed(lon);
      latInput.value = fixed(lat);
      crsInput.value = "wgs84"; // the map and the browser's GPS both give WGS-84
      document.getElementById("lon-out").textContent = fixed(lon);
      document.getElementById("lat-out").textContent = fixed(lat);
      if (!marker) {
        marker = L.marker([lat, lon], { draggable: true, icon, keyboard: false }).addTo(map);
        marker.on("dragend", () => {
          const p = marker.getLatLng();
          place(p.lat, p.lng);
        });
      } else {
        marker.setLatLng([lat, lon]);
      }
      if (zoom) map.setView([lat, lon], Math.max(map.getZoom(), 16));
    };
    map.on("click", (event) => place(event.latlng.lat, event.latlng.lng));
    if (lonInput.value && latInput.value && crsInput.value === "wgs84") {
      place(Number(latInput.value), Number(lonInput.value), true);
    }
    document.getElementById("use-my-position").addEventListener("click", () => {
      if (!navigator.geolocation) return;
      navigator.geolocation.getCurrentPosition((pos) => place(pos.coords.latitude, pos.coords.longitude, true));
    });
    pinEl.leafletMap = map; // lets a browser test click a known coordinate
    pinEl.dataset.ready = "1";
    const form = pinEl.closest("form");
    form.addEventListener("submit", () => {
      form.querySelector("button[type=submit]").disabled = true; // one tap, one report
    });
  }

  /* ---- home: grids shaded by reports in the last 30 days ---- */
  const homeEl = document.getElementById("reports-map");
  if (homeEl) {
    const map = baseMap("reports-map");
    const features = (cfg.reports && cfg.reports.features) || [];
    const most = Math.max(1, ...features.map((f) => f.properties.count));
    L.geoJSON(cfg.reports, {
      style: (f) => ({
        color: "#b42318",
        weight: 0.6,
        fillColor: "#d92d20",
        fillOpacity: 0.25 + 0.6 * (f.properties.count / most),
      }),
      onEachFeature: (f, layer) => layer.bindTooltip(cfg.text.reports.replace("%(n)s", f.properties.count)),
    }).addTo(map);
    homeEl.dataset.ready = "1";
    homeEl.dataset.grids = String(features.length);
  }
})();

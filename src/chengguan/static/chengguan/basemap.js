/* The offline base map: every Leaflet map made after this script draws the streets under its
 * overlays, loaded for its view box as it moves (main roads when zoomed out, side streets too when
 * zoomed in, the main roads' names from zoom 15). Where the installation names a tile server the
 * map pages draw its tiles instead, and this does nothing. */
(function () {
  "use strict";
  const script = document.currentScript;
  if (!window.L || !script || script.dataset.tiles) return;
  const url = script.dataset.url;
  if (!url) return;

  const style = (f) =>
    f.properties.kind === "major"
      ? { color: "#b7c3cf", weight: 7, opacity: 1, lineCap: "round" }
      : { color: "#d2d9e1", weight: 3, opacity: 1, lineCap: "round" };

  L.Map.addInitHook(function () {
    const map = this;
    if (map.options.streets === false) return;
    map.createPane("streets").style.zIndex = 200; // under overlays (400) and the graticule (250)
    map.getPane("streets").style.pointerEvents = "none";
    const layer = L.geoJSON(null, { pane: "streets", interactive: false, style }).addTo(map);
    const labels = L.layerGroup().addTo(map);
    let inflight = null;
    let timer = null;

    // A main road's name where it crosses the middle of the view (a line's own middle may be off screen).
    function label(feature) {
      const [a, b] = [feature.geometry.coordinates[0], feature.geometry.coordinates.at(-1)];
      const c = map.getCenter();
      const across = Math.abs(a[1] - b[1]) < Math.abs(a[0] - b[0]); // runs east–west
      const at = across ? [a[1], Math.min(Math.max(c.lng, Math.min(a[0], b[0])), Math.max(a[0], b[0]))]
        : [Math.min(Math.max(c.lat, Math.min(a[1], b[1])), Math.max(a[1], b[1])), a[0]];
      const name = document.createElement("span");
      name.textContent = feature.properties.name;
      const icon = L.divIcon({ className: "street-label", html: name.outerHTML, iconSize: null });
      labels.addLayer(L.marker(at, { icon, interactive: false, keyboard: false }));
    }

    async function load() {
      if (!map._loaded) return;
      const b = map.getBounds().pad(0.2);
      const zoom = Math.round(map.getZoom());
      const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(",");
      if (inflight) inflight.abort();
      inflight = new AbortController();
      try {
        const r = await fetch(`${url}?bbox=${bbox}&zoom=${zoom}`, { signal: inflight.signal, credentials: "same-origin" });
        if (!r.ok) return;
        const data = await r.json();
        layer.clearLayers().addData(data);
        labels.clearLayers();
        if (zoom >= 15) data.features.filter((f) => f.properties.kind === "major" && f.properties.name).forEach(label);
        map.getContainer().dataset.streets = String(data.features.length);
        map.fire("streetsload", { count: data.features.length });
      } catch (err) {
        if (err.name !== "AbortError") map.getContainer().dataset.streets = "0";
      }
    }
    map.on("moveend", () => {
      clearTimeout(timer);
      timer = setTimeout(load, 150);
    });
    map.whenReady(load);
  });
})();

/* The base map of every Leaflet map made after this script: the installation's tile server
 * (CHENGGUAN_TILE_URL, in WGS-84 or GCJ-02), or else the offline streets under the overlays, loaded
 * for the view box as it moves (main roads when zoomed out, side streets too when zoomed in, the
 * main roads' names from zoom 15). A map made with `streets: false` gets neither. */
(function () {
  "use strict";
  const script = document.currentScript;
  if (!window.L || !script) return;
  const tiles = script.dataset.tiles;
  if (tiles) {
    if (script.dataset.tilesCrs === "gcj02") useGcj02();
    L.Map.addInitHook(function () {
      if (this.options.streets !== false) L.tileLayer(tiles, { maxZoom: 19 }).addTo(this);
    });
    return;
  }
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

  /* GCJ-02 tiles (most Chinese tile sets): every map projects its WGS-84 data through WGS-84 → GCJ-02
   * before Web Mercator, so overlays sit on the tiles' streets and a click reads back WGS-84. The
   * formulas are core/coords.py's (the published GCJ-02 approximation); the inverse iterates. */
  function useGcj02() {
    const A = 6378245.0;
    const EE = 0.00669342162296594323;
    const outside = (lon, lat) => !(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271);
    const tLat = (x, y) => {
      let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
      r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
      r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
      r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
      return r;
    };
    const tLon = (x, y) => {
      let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
      r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
      r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
      r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
      return r;
    };
    function toGcj(lon, lat) {
      if (outside(lon, lat)) return [lon, lat];
      const rad = (lat / 180) * Math.PI;
      const magic = 1 - EE * Math.sin(rad) ** 2;
      const sq = Math.sqrt(magic);
      const dLat = (tLat(lon - 105, lat - 35) * 180) / (((A * (1 - EE)) / (magic * sq)) * Math.PI);
      const dLon = (tLon(lon - 105, lat - 35) * 180) / ((A / sq) * Math.cos(rad) * Math.PI);
      return [lon + dLon, lat + dLat];
    }
    function toWgs(lon, lat) {
      if (outside(lon, lat)) return [lon, lat];
      let [wLon, wLat] = [lon, lat];
      for (let k = 0; k < 30; k++) {
        const [gLon, gLat] = toGcj(wLon, wLat);
        const [dLon, dLat] = [gLon - lon, gLat - lat];
        wLon -= dLon;
        wLat -= dLat;
        if (Math.abs(dLon) < 1e-10 && Math.abs(dLat) < 1e-10) break;
      }
      return [wLon, wLat];
    }
    const mercator = L.Projection.SphericalMercator;
    const projection = {
      bounds: mercator.bounds,
      project(latlng) {
        const [lon, lat] = toGcj(latlng.lng, latlng.lat);
        return mercator.project(L.latLng(lat, lon));
      },
      unproject(point) {
        const g = mercator.unproject(point);
        const [lon, lat] = toWgs(g.lng, g.lat);
        return L.latLng(lat, lon);
      },
    };
    L.CRS.GCJ02 = L.extend({}, L.CRS.EPSG3857, { code: "GCJ02", projection });
    L.Map.mergeOptions({ crs: L.CRS.GCJ02 });
  }
})();

/* Unit grid map: grids from /api/v1/grids/?bbox= as the view moves, coloured by sub-district;
 * sub-district outlines when too many grids would be in view; search by code; click for details.
 * No tile server is assumed (intranets are often offline): the offline streets (basemap.js), or a
 * graticule where there are none, and the outlines give context. */
(function () {
  "use strict";

  const cfg = JSON.parse(document.getElementById("map-config").textContent);
  const T = cfg.text;
  const colourOf = new Map(cfg.legend.map((row) => [row.id, row.colour]));
  const statusEl = document.getElementById("map-status");
  const messageEl = document.getElementById("search-message");
  const detailsEl = document.getElementById("grid-details");

  const fmt = (template, values) => template.replace(/%\((\w+)\)s/g, (_, k) => String(values[k]));
  const setStatus = (text) => { statusEl.textContent = text; };

  const map = L.map("map", { zoomControl: true, attributionControl: Boolean(cfg.tileUrl), minZoom: 9, maxZoom: 19 });
  if (!cfg.tileUrl) map.getContainer().classList.add("no-tiles"); // basemap.js draws tiles or streets
  map.createPane("graticule").style.zIndex = 250;
  map.createPane("outlines").style.zIndex = 380;
  map.createPane("highlight").style.zIndex = 450;

  /* ---- graticule: light lines at a round step in degrees, at least ~90 px apart ---- */
  const graticule = L.layerGroup().addTo(map);
  const STEPS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1];
  // The base map's streets, when there are any, give the context instead.
  const hasStreets = () => Number(map.getContainer().dataset.streets || 0) > 0;
  function drawGraticule() {
    graticule.clearLayers();
    if (hasStreets()) return;
    const b = map.getBounds();
    const size = map.getSize();
    const pxPerDegree = size.x / Math.max(1e-9, b.getEast() - b.getWest());
    const step = STEPS.find((s) => s * pxPerDegree >= 90) || 1;
    const style = { pane: "graticule", interactive: false, color: "#9fb3c8", weight: 0.6, opacity: 0.55 };
    for (let x = Math.floor(b.getWest() / step) * step; x <= b.getEast(); x += step) {
      graticule.addLayer(L.polyline([[b.getSouth(), x], [b.getNorth(), x]], style));
    }
    for (let y = Math.floor(b.getSouth() / step) * step; y <= b.getNorth(); y += step) {
      graticule.addLayer(L.polyline([[y, b.getWest()], [y, b.getEast()]], style));
    }
  }

  /* ---- sub-district outlines: filled when zoomed out, a border line when grids are shown ---- */
  const outlineStyle = (feature, filled) => ({
    pane: "outlines",
    color: filled ? colourOf.get(feature.properties.id) || "#5b6b7f" : "#243b53",
    weight: filled ? 1.5 : 1.6,
    opacity: filled ? 0.9 : 0.75,
    fill: filled,
    fillColor: colourOf.get(feature.properties.id) || "#5b6b7f",
    fillOpacity: 0.45,
  });
  const outlineFill = L.geoJSON(null, {
    style: (f) => outlineStyle(f, true),
    onEachFeature: (f, layer) => {
      layer.bindTooltip(f.properties.name, { sticky: true });
      layer.on("click", () => map.fitBounds(layer.getBounds(), { maxZoom: 15 }));
    },
  });
  const outlineLine = L.geoJSON(null, { style: (f) => outlineStyle(f, false), interactive: false });

  /* ---- the grids ---- */
  // Cell borders only where a cell is big enough on screen for them to help; below that they are noise.
  const borderWeight = () => (map.getZoom() >= 16 ? 1 : map.getZoom() >= 14 ? 0.6 : 0);
  const gridStyle = (feature) => ({
    color: "#ffffff",
    weight: borderWeight(),
    opacity: 0.95,
    fillColor: colourOf.get(feature.properties.subdistrict) || "#8899aa",
    fillOpacity: 0.68,
  });
  // The layer holds outlines only (code, sub-district, shape); a click fetches the grid's details.
  // One canvas draws a district's thousands of cells far faster than as many SVG paths.
  const grids = L.geoJSON(null, {
    renderer: L.canvas({ padding: 0.2 }),
    style: gridStyle,
    onEachFeature: (feature, layer) => {
      layer.on("click", () => showDetails(feature.properties.code));
      layer.on("mouseover", () => layer.setStyle({ weight: 2, color: "#1f3a5f" }));
      layer.on("mouseout", () => grids.resetStyle(layer));
      layer.bindTooltip(feature.properties.code, { sticky: true, className: "grid-tip" });
    },
  }).addTo(map);
  const highlight = L.geoJSON(null, {
    pane: "highlight",
    interactive: false,
    style: { color: "#111827", weight: 4, fill: true, fillColor: "#ffffff", fillOpacity: 0.6 },
  }).addTo(map);

  const name = (o) => (o && (o.name || o.full_name || o.username)) || (typeof o === "string" ? o : "");
  function selectGrid(feature) {
    const p = feature.properties;
    highlight.clearLayers().addData(feature);
    const set = (field, value) => {
      detailsEl.querySelector(`[data-field="${field}"]`).textContent = value || T.none;
    };
    set("code", p.code);
    set("name", p.name);
    set("subdistrict", name(p.subdistrict));
    set("community", name(p.community));
    set("squad", name(p.squad));
    set("area", p.area_m2 != null ? `${Math.round(p.area_m2).toLocaleString()} m²` : "");
    set("inspectors", (p.inspectors || []).map(name).filter(Boolean).join("、"));
    detailsEl.hidden = false;
  }
  document.getElementById("close-details").addEventListener("click", () => {
    detailsEl.hidden = true;
    highlight.clearLayers();
  });

  /* ---- loading by bounding box ---- */
  const extentBounds = cfg.extent
    ? L.latLngBounds([cfg.extent.bbox[1], cfg.extent.bbox[0]], [cfg.extent.bbox[3], cfg.extent.bbox[2]])
    : null;

  function estimatedGridsInView(bounds) {
    if (!extentBounds || !extentBounds.intersects(bounds)) return 0;
    const s = Math.max(bounds.getSouth(), extentBounds.getSouth());
    const n = Math.min(bounds.getNorth(), extentBounds.getNorth());
    const w = Math.max(bounds.getWest(), extentBounds.getWest());
    const e = Math.min(bounds.getEast(), extentBounds.getEast());
    const metresPerDegLat = 111320;
    const metresPerDegLon = 111320 * Math.cos(((s + n) / 2) * (Math.PI / 180));
    const area = Math.max(0, n - s) * metresPerDegLat * Math.max(0, e - w) * metresPerDegLon;
    return Math.round(area / cfg.extent.mean_area_m2);
  }

  // No extra headers: the first request must match the page's preload of it to be served from it.
  async function fetchGrids(url, signal) {
    const response = await fetch(url, { signal, credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }

  let loadedBounds = null;
  let firstAsked = false;
  let inflight = null;
  async function refresh() {
    drawGraticule();
    if (!extentBounds) {
      setStatus(T.empty);
      return;
    }
    const view = map.getBounds();
    const estimate = estimatedGridsInView(view);
    if (estimate > cfg.maxGrids) {
      if (inflight) inflight.abort();
      grids.clearLayers();
      loadedBounds = null;
      if (map.hasLayer(outlineLine)) map.removeLayer(outlineLine);
      if (!map.hasLayer(outlineFill)) outlineFill.addTo(map);
      setStatus(fmt(T.zoomIn, { n: estimate.toLocaleString() }));
      return;
    }
    if (map.hasLayer(outlineFill)) map.removeLayer(outlineFill);
    if (!map.hasLayer(outlineLine)) outlineLine.addTo(map);
    if (loadedBounds && loadedBounds.contains(view)) return;
    // Fetch a margin around the view so small pans need no request, unless that would pass the cap;
    // the first view asks for every grid the user may see, as the page has preloaded.
    const first = cfg.firstUrl && !loadedBounds && !firstAsked;
    firstAsked = true;
    const want = first ? extentBounds : estimate * 1.44 <= cfg.maxGrids ? view.pad(0.1) : view;
    if (inflight) inflight.abort();
    inflight = new AbortController();
    setStatus(T.loading);
    const bbox = [want.getWest(), want.getSouth(), want.getEast(), want.getNorth()].map((v) => v.toFixed(6)).join(",");
    try {
      const data = await fetchGrids(first ? cfg.firstUrl : `${cfg.outlinesApi}?bbox=${bbox}`, inflight.signal);
      const features = data.features || [];
      grids.clearLayers();
      grids.addData(features);
      loadedBounds = data.truncated ? null : want;
      setStatus(fmt(data.truncated ? T.truncated : T.shown, { n: features.length.toLocaleString() }));
      map.getContainer().dataset.gridCount = String(features.length);
    } catch (err) {
      if (err.name !== "AbortError") setStatus(T.failed);
    }
  }

  map.on("zoomend", () => grids.setStyle(gridStyle));
  map.on("streetsload", drawGraticule);
  let timer = null;
  let shown = false;
  map.on("moveend", () => {
    clearTimeout(timer);
    // The first view is drawn at once; later moves wait for the user to stop panning.
    if (!shown) {
      shown = true;
      refresh();
    } else {
      timer = setTimeout(refresh, 120);
    }
  });

  /* ---- a grid's details, and search by code ---- */
  async function fetchGrid(code) {
    const response = await fetch(`${cfg.gridsApi}${encodeURIComponent(code)}/`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    return response.ok ? response.json() : null;
  }
  async function showDetails(code) {
    const feature = await fetchGrid(code);
    if (feature) selectGrid(feature);
  }
  async function locate(code) {
    messageEl.hidden = true;
    if (!code) return;
    const feature = await fetchGrid(code);
    if (!feature) {
      messageEl.textContent = fmt(T.notFound, { code });
      messageEl.hidden = false;
      return;
    }
    selectGrid(feature);
    map.fitBounds(L.geoJSON(feature).getBounds(), { maxZoom: 16, padding: [40, 40] });
    const url = new URL(window.location.href);
    url.searchParams.set("code", code);
    window.history.replaceState(null, "", url);
  }
  document.getElementById("grid-search").addEventListener("submit", (event) => {
    event.preventDefault();
    locate(document.getElementById("grid-code").value.trim());
  });

  /* ---- first view ---- */
  fetch(cfg.outlinesUrl, { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : null))
    .then((data) => {
      if (!data) return;
      outlineFill.addData(data);
      outlineLine.addData(data);
    });
  if (extentBounds) {
    map.fitBounds(extentBounds, { padding: [16, 16] });
  } else {
    map.setView([34.75, 113.62], 13);
  }
  if (cfg.initialCode) locate(cfg.initialCode);
  map.getContainer().leafletMap = map; // lets a browser test find a grid's place on the canvas
})();

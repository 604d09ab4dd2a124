/* The map under a form's longitude and latitude fields (grids/_map_picker.html): a click places a
 * draggable pin whose WGS-84 position fills both fields, typed coordinates move the pin, and the
 * grid the point falls in is named from the locate API, so a place outside the jurisdiction is seen
 * before the form is sent. */
(function () {
  "use strict";
  const fixed = (v) => Number(v).toFixed(6);
  const fmt = (template, values) => template.replace(/%\((\w+)\)s/g, (_, k) => String(values[k] ?? ""));

  document.querySelectorAll("[data-map-picker]").forEach((box) => {
    const lonInput = document.getElementById(box.dataset.lon);
    const latInput = document.getElementById(box.dataset.lat);
    const crsInput = box.dataset.crs ? document.getElementById(box.dataset.crs) : null;
    const note = box.querySelector(".map-picker-grid");
    const el = box.querySelector(".map-picker-map");
    if (!lonInput || !latInput || !window.L) return;
    const map = L.map(el, { attributionControl: false, zoomSnap: 0.5 });
    const extent = (box.dataset.extent || "").split(",").map(Number);
    if (extent.length === 4 && extent.every(Number.isFinite)) {
      map.fitBounds([[extent[1], extent[0]], [extent[3], extent[2]]], { padding: [8, 8] });
    } else {
      map.setView([34.75, 113.62], 13);
    }
    const icon = L.divIcon({ className: "", html: '<div class="map-picker-pin"></div>', iconSize: [0, 0] });
    let marker = null;
    let asking = null;

    // The grids' outlines once they are few enough in view to tell apart.
    const outlines = L.geoJSON(null, {
      interactive: false, style: { color: "#1d4f91", weight: 1, opacity: 0.55, fill: false },
    }).addTo(map);
    let loading = null;
    async function drawOutlines() {
      if (map.getZoom() < 15) return outlines.clearLayers();
      const b = map.getBounds().pad(0.1);
      const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(",");
      if (loading) loading.abort();
      loading = new AbortController();
      try {
        const r = await fetch(`${box.dataset.outlines}?bbox=${bbox}`, {
          credentials: "same-origin", headers: { Accept: "application/json" }, signal: loading.signal,
        });
        if (r.ok) outlines.clearLayers().addData((await r.json()).features || []);
      } catch (err) {
        if (err.name !== "AbortError") outlines.clearLayers();
      }
    }
    map.on("moveend", drawOutlines);

    async function nameGrid(lat, lon) {
      if (asking) asking.abort();
      asking = new AbortController();
      try {
        const r = await fetch(`${box.dataset.locate}?lon=${fixed(lon)}&lat=${fixed(lat)}&crs=wgs84`, {
          credentials: "same-origin", headers: { Accept: "application/json" }, signal: asking.signal,
        });
        const inside = r.ok;
        const body = inside ? await r.json() : null;
        note.classList.toggle("is-outside", !inside);
        note.textContent = inside
          ? fmt(box.dataset.textInside, {
            grid: body.grid.code, community: body.community?.name, subdistrict: body.subdistrict?.name,
          })
          : box.dataset.textOutside;
      } catch (err) {
        if (err.name !== "AbortError") note.textContent = "";
      }
    }

    function place(lat, lon, { fill = true, centre = false } = {}) {
      if (fill) {
        lonInput.value = fixed(lon);
        latInput.value = fixed(lat);
        if (crsInput) crsInput.value = "wgs84"; // the map gives WGS-84
      }
      if (!marker) {
        marker = L.marker([lat, lon], { draggable: true, icon, keyboard: false }).addTo(map);
        marker.on("dragend", () => {
          const p = marker.getLatLng();
          place(p.lat, p.lng);
        });
      } else {
        marker.setLatLng([lat, lon]);
      }
      if (centre) map.setView([lat, lon], Math.max(map.getZoom(), 16));
      nameGrid(lat, lon);
    }

    const typed = () => {
      const lon = parseFloat(lonInput.value);
      const lat = parseFloat(latInput.value);
      if (crsInput && crsInput.value !== "wgs84") return; // another datum: the server converts it
      if (Number.isFinite(lon) && Number.isFinite(lat)) place(lat, lon, { fill: false, centre: true });
    };
    map.on("click", (event) => place(event.latlng.lat, event.latlng.lng));
    lonInput.addEventListener("change", typed);
    latInput.addEventListener("change", typed);
    if (lonInput.value && latInput.value) typed();
    else note.textContent = box.dataset.textNone;
    el.leafletMap = map; // lets a browser test click a known coordinate
  });
})();

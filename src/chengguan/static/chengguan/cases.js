/* The case workbench: the report form's pin map and category search, 常用语 buttons, one open action
 * form at a time, browser geolocation for the verification photo, the case's small map and the map of
 * open cases (circles per grid, sized by count, red when any is overdue). No tile server is assumed;
 * sub-district outlines give context when none is configured. */
(function () {
  "use strict";

  const readJson = (id) => {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  };
  // The page's words in the reader's language, with {names} filled in.
  const scriptWords = readJson("case-script-words") || {};
  const say = (key, values) => (scriptWords[key] || "").replace(/\{(\w+)\}/g, (_, name) => String(values[name]));

  /* ---- 常用语: a click appends the phrase to its text field ---- */
  document.addEventListener("click", (event) => {
    const chip = event.target.closest(".chip-phrase");
    if (!chip) return;
    const box = document.getElementById(chip.closest(".phrases").dataset.target);
    if (!box) return;
    box.value = box.value ? `${box.value.trimEnd()}${/[。！？；]$/.test(box.value.trimEnd()) ? "" : "。"}${chip.dataset.phrase}` : chip.dataset.phrase;
    box.focus();
  });

  /* ---- one action form open at a time ---- */
  document.querySelectorAll("details.action").forEach((item) => {
    item.addEventListener("toggle", () => {
      if (!item.open) return;
      document.querySelectorAll("details.action[open]").forEach((other) => {
        if (other !== item) other.open = false;
      });
    });
  });

  /* ---- category search and filing criteria ---- */
  document.querySelectorAll("[data-filter-select]").forEach((input) => {
    const select = document.getElementById(input.dataset.filterSelect);
    input.addEventListener("input", () => {
      const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      select.querySelectorAll("optgroup").forEach((group) => {
        let shown = 0;
        group.querySelectorAll("option").forEach((option) => {
          const text = `${option.textContent} ${group.label}`.toLowerCase();
          const match = words.every((w) => text.includes(w));
          option.hidden = !match;
          if (match) shown += 1;
        });
        group.hidden = shown === 0;
      });
    });
  });
  const criteria = readJson("category-criteria");
  const criteriaEl = document.getElementById("filing-criteria");
  const picker = document.querySelector(".category-picker");
  if (picker && criteria && criteriaEl) {
    const show = () => {
      const text = criteria[picker.value];
      criteriaEl.hidden = !text;
      criteriaEl.textContent = text ? say("criteria", { text }) : "";
    };
    picker.addEventListener("change", show);
    show();
  }

  /* ---- shared map helpers ---- */
  function baseMap(id, cfg, options) {
    const map = L.map(id, Object.assign({ attributionControl: Boolean(cfg && cfg.tileUrl) }, options || {}));
    return map;
  }
  function addOutlines(map, cfg) {
    if (!cfg || !cfg.outlines) return;
    L.geoJSON(cfg.outlines, {
      interactive: false,
      style: { color: "#5b6b7f", weight: 1.4, fillColor: "#9fb3c8", fillOpacity: 0.12 },
    }).addTo(map);
  }
  function fitExtent(map, cfg) {
    if (cfg && cfg.extent) {
      const b = cfg.extent.bbox;
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [12, 12] });
    } else {
      map.setView([34.75, 113.62], 13);
    }
  }
  const fixed = (v) => Number(v).toFixed(6);

  /* ---- report: a pin on the map fills lon/lat (WGS-84) ---- */
  const pinEl = document.getElementById("pin-map");
  if (pinEl && window.L) {
    const cfg = readJson("map-config");
    const map = baseMap("pin-map", cfg);
    addOutlines(map, cfg);
    fitExtent(map, cfg);
    const lonInput = document.getElementById("id_lon");
    const latInput = document.getElementById("id_lat");
    const lonOut = document.getElementById("lon-out");
    const latOut = document.getElementById("lat-out");
    let marker = null;
    const place = (lat, lon, zoom) => {
      lonInput.value = fixed(lon);
      latInput.value = fixed(lat);
      lonOut.textContent = fixed(lon);
      latOut.textContent = fixed(lat);
      if (!marker) {
        marker = L.marker([lat, lon], { draggable: true }).addTo(map);
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
    if (lonInput.value && latInput.value) place(Number(latInput.value), Number(lonInput.value), true);
    pinEl.leafletMap = map; // lets a browser test click a known coordinate
    pinEl.dataset.ready = "1";
    const mine = document.getElementById("use-my-position");
    if (mine) {
      mine.addEventListener("click", () => {
        if (!navigator.geolocation) return;
        navigator.geolocation.getCurrentPosition((pos) => place(pos.coords.latitude, pos.coords.longitude, true));
      });
    }
  }

  /* ---- verification photo: the browser's position (GPS: WGS-84) ---- */
  document.querySelectorAll("[data-geolocate]").forEach((button) => {
    const action = button.dataset.geolocate;
    const status = document.querySelector(`[data-geo-status="${action}"]`);
    button.addEventListener("click", () => {
      if (!navigator.geolocation) {
        status.textContent = say("noGeolocation", {});
        return;
      }
      status.textContent = say("locating", {});
      navigator.geolocation.getCurrentPosition(
        (pos) => {
          document.getElementById(`id_${action}-photo_lon`).value = fixed(pos.coords.longitude);
          document.getElementById(`id_${action}-photo_lat`).value = fixed(pos.coords.latitude);
          status.textContent = say("located", { metres: Math.round(pos.coords.accuracy) });
        },
        () => { status.textContent = say("notLocated", {}); },
        { enableHighAccuracy: true, timeout: 10000 },
      );
    });
  });

  /* ---- case detail: the point and its grid ---- */
  const caseMapEl = document.getElementById("case-map");
  const caseCfg = readJson("case-map-config");
  if (caseMapEl && window.L && caseCfg && caseCfg.point) {
    const map = baseMap("case-map", caseCfg, { scrollWheelZoom: false });
    const [lon, lat] = caseCfg.point;
    map.setView([lat, lon], 17); // a view first: Leaflet cannot project a circle without one
    if (caseCfg.grid) {
      L.geoJSON(caseCfg.grid, { interactive: false, style: { color: "#1d4f91", weight: 2, fillOpacity: 0.08 } }).addTo(map);
    }
    L.circle([lat, lon], { radius: 100, color: "#c8102e", weight: 1, dashArray: "4 4", fill: false, interactive: false }).addTo(map);
    L.marker([lat, lon]).addTo(map).bindTooltip(say("casePosition", {}));
    caseMapEl.dataset.ready = "1";
  }

  /* ---- map of open cases, aggregated per grid by the server ---- */
  const casesMapEl = document.getElementById("cases-map");
  if (casesMapEl && window.L) {
    const cfg = readJson("cases-map-config");
    const map = baseMap("cases-map", cfg, { preferCanvas: true });
    addOutlines(map, cfg);
    fitExtent(map, cfg);
    const max = Math.max(1, ...cfg.points.map((p) => p.total));
    const layer = L.layerGroup().addTo(map);
    cfg.points.forEach((p) => {
      const late = p.overdue > 0;
      const radius = 4 + 18 * Math.sqrt(p.total / max);
      const circle = L.circleMarker([p.lat, p.lon], {
        radius,
        color: late ? "#b42318" : "#1d4f91",
        weight: 1,
        fillColor: late ? "#d92d20" : "#2f6fbf",
        fillOpacity: 0.55,
      });
      circle.bindTooltip(say("gridOpen", p) + (late ? say("gridOverdue", p) : ""));
      circle.on("click", () => {
        const params = new URLSearchParams(cfg.query);
        params.set("grid", p.code);
        params.set("open", "true");
        window.location.href = `${cfg.listUrl}?${params.toString()}`;
      });
      layer.addLayer(circle);
    });
    casesMapEl.dataset.points = String(cfg.points.length);
  }
})();

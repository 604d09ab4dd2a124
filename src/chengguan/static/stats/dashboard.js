/* The staff dashboard's charts (ECharts, served locally) and grid heat map (Leaflet), drawn from the
 * data the page embeds (#dashboard-data). A click on a bar, a point, a slice or a grid opens the
 * drill-down list of exactly the cases it counts. No inline handlers (CSP: scripts from files only). */
(function () {
  "use strict";

  const D = JSON.parse(document.getElementById("dashboard-data").textContent);
  const W = JSON.parse(document.getElementById("dashboard-words").textContent);
  const lang = document.documentElement.lang || "zh-hans";
  const pct = (v) => (v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%");
  const PALETTE = ["#1d4f91", "#3fa7d6", "#2f7d4f", "#e0a100", "#c8102e", "#7b5ea7", "#5f6b7a"];
  const charts = [];

  const base = { color: PALETTE, textStyle: { fontFamily: getComputedStyle(document.body).fontFamily } };
  function chart(id, option, links) {
    const el = document.getElementById(id);
    if (!el) return null;
    const c = echarts.init(el, null, { renderer: "canvas", locale: lang.startsWith("en") ? "EN" : "ZH" });
    c.setOption({ ...base, ...option });
    c.on("click", (p) => {
      const link = links(p);
      if (link) window.location.href = link;
    });
    c.getZr().on("mousemove", (e) => { el.style.cursor = e.target ? "pointer" : "default"; });
    el.dataset.drawn = "1";
    charts.push(c);
    return c;
  }
  const empty = (list) =>
    list.length ? [] : [{ type: "text", left: "center", top: "middle", style: { text: W.noData, fill: "#5f6b7a", fontSize: 14 } }];

  /* ---- trend: reported / filed / closed as bars, the handling rate as a line ---- */
  const names = D.trendNames;
  let trend = null;
  function drawTrend(kind) {
    const points = D.trends[kind].points;
    const option = {
      tooltip: {
        trigger: "axis",
        valueFormatter: undefined,
        formatter: (items) =>
          items[0].axisValue + "<br>" + items.map((i) =>
            i.marker + i.seriesName + "：" + (i.seriesIndex === 3 ? pct(i.value) : i.value)).join("<br>") +
          "<br><span style=\"color:#5f6b7a\">" + W.clickHint + "</span>",
      },
      legend: { top: 0 },
      grid: { left: 48, right: 56, top: 40, bottom: 30 },
      xAxis: { type: "category", data: points.map((p) => p.label) },
      yAxis: [
        { type: "value", minInterval: 1, name: W.cases },
        { type: "value", min: 0, max: 1, axisLabel: { formatter: (v) => Math.round(v * 100) + "%" }, splitLine: { show: false } },
      ],
      series: [
        ...["reported", "filed", "closed"].map((k) => ({
          name: names[k], type: "bar", barMaxWidth: 18, data: points.map((p) => p.values[k]),
        })),
        {
          name: names.handling_rate, type: "line", yAxisIndex: 1, smooth: true, symbolSize: 7,
          data: points.map((p) => p.values.handling_rate), itemStyle: { color: "#c8102e" },
        },
      ],
      graphic: empty(points),
    };
    const keys = ["reported", "filed", "closed", "handling_rate"];
    if (trend) trend.setOption({ ...base, ...option }, true);
    else trend = chart("chart-trend", option, (p) => (D.trends[current].points[p.dataIndex] || { links: {} }).links[keys[p.seriesIndex]]);
    document.querySelectorAll("[data-trend]").forEach((b) => {
      const on = b.dataset.trend === kind;
      b.classList.toggle("btn-primary", on);
      b.classList.toggle("btn-secondary", !on);
      b.setAttribute("aria-pressed", String(on));
    });
  }
  let current = D.trends.week.points.length > 1 || !D.trends.month.points.length ? "week" : "month";
  if (D.trends.week.points.length > 16 && D.trends.month.points.length > 1) current = "month";
  drawTrend(current);
  document.querySelectorAll("[data-trend]").forEach((b) =>
    b.addEventListener("click", () => { current = b.dataset.trend; drawTrend(current); }));

  /* ---- ranking of the chosen level by composite score ---- */
  const ranked = D.ranking.slice().reverse();
  chart("chart-ranking", {
    tooltip: {
      trigger: "item",
      formatter: (p) => {
        const r = ranked[p.dataIndex];
        return r.rank + ". " + r.name + "<br>" + W.score + "：" + r.score.toFixed(1) +
          "<br>" + W.filed + "：" + r.filed + "<br><span style=\"color:#5f6b7a\">" + W.clickHint + "</span>";
      },
    },
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", max: 100 },
    yAxis: { type: "category", data: ranked.map((r) => r.rank + "  " + r.name), axisLabel: { width: 180, overflow: "truncate" } },
    series: [{
      type: "bar", data: ranked.map((r) => r.score), barMaxWidth: 16,
      label: { show: true, position: "right", formatter: (p) => p.value.toFixed(1) },
      itemStyle: { color: (p) => (ranked.length - p.dataIndex <= 3 ? "#1d4f91" : "#7aa5d8"), borderRadius: [0, 3, 3, 0] },
    }],
    graphic: empty(ranked),
  }, (p) => ranked[p.dataIndex] && ranked[p.dataIndex].link);

  /* ---- the 721 split ---- */
  const split = D.split721.filter((s) => s.count > 0);
  chart("chart-721", {
    tooltip: { trigger: "item", formatter: (p) => p.name + "：" + p.value + " " + W.cases + "（" + pct(split[p.dataIndex].share) + "）" },
    legend: { bottom: 0 },
    color: ["#2f7d4f", "#1d4f91", "#c8102e"],
    series: [{
      type: "pie", radius: ["42%", "70%"], center: ["50%", "46%"],
      label: { formatter: (p) => p.name + "\n" + pct(split[p.dataIndex].share) },
      data: split.map((s) => ({ name: s.name, value: s.count })),
    }],
    graphic: empty(split),
  }, (p) => split[p.dataIndex] && split[p.dataIndex].link);

  /* ---- sources and categories ---- */
  function bars(id, rows, colour) {
    const list = rows.slice().reverse();
    chart(id, {
      tooltip: { trigger: "item", formatter: (p) => p.name + "：" + p.value + " " + W.cases },
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: list.map((r) => r.name), axisLabel: { width: 170, overflow: "truncate" } },
      series: [{ type: "bar", data: list.map((r) => r.count), barMaxWidth: 16, itemStyle: { color: colour, borderRadius: [0, 3, 3, 0] }, label: { show: true, position: "right" } }],
      graphic: empty(list),
    }, (p) => list[p.dataIndex] && list[p.dataIndex].link);
  }
  bars("chart-sources", D.sources, "#3fa7d6");
  bars("chart-categories", D.categories, "#1d4f91");

  /* ---- grid heat map ---- */
  const heat = D.heat;
  const values = Object.values(heat.grids).map((g) => g.value).filter((v) => v !== null && v !== undefined);
  const top = heat.rate ? 1 : Math.max(1, ...values);
  const bottom = heat.rate ? Math.min(1, ...values, 1) : 0;
  const RAMP = ["#eaf2fb", "#b9d3ef", "#7aa5d8", "#3f78bd", "#1d4f91", "#0f2744"];
  // For rates the worse end (lower handling, higher overdue or rework) is the darker one.
  const worseHigh = !heat.rate || /overdue|rework/.test(heat.metric);
  function shade(v) {
    if (v === null || v === undefined) return null;
    let t = top === bottom ? 1 : (v - bottom) / (top - bottom);
    if (!worseHigh) t = 1 - t;
    return RAMP[Math.max(0, Math.min(RAMP.length - 1, Math.round(t * (RAMP.length - 1))))];
  }
  const legend = document.getElementById("heat-legend");
  const show = (v) => (heat.rate ? pct(v) : String(Math.round(v)));
  legend.textContent = (worseHigh ? show(bottom) : show(top)) + " ";
  RAMP.forEach((c) => { const s = document.createElement("span"); s.className = "heat-swatch"; s.style.background = c; legend.append(s); });
  legend.append(" " + (worseHigh ? show(top) : show(bottom)));

  const map = L.map("dash-map", { attributionControl: false, zoomSnap: 0.25 });
  const layer = L.geoJSON(heat.outlines, {
    style: (f) => {
      const g = heat.grids[f.properties.id];
      const fill = g ? shade(g.value) : null;
      return { color: "#5f6b7a", weight: 0.7, opacity: 0.7, fillColor: fill || "#ffffff", fillOpacity: fill ? 0.82 : 0.35 };
    },
    onEachFeature: (f, l) => {
      const g = heat.grids[f.properties.id];
      l.bindTooltip(f.properties.code + "<br>" + heat.name + "：" + (g && g.value !== null ? show(g.value) : W.noCases), { sticky: true });
      if (g && g.link) l.on("click", () => { window.location.href = g.link; });
    },
  }).addTo(map);
  if (heat.outlines.features.length) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
  else map.setView([34.75, 113.6], 12);
  document.getElementById("dash-map").dataset.drawn = String(heat.outlines.features.length);

  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();

/* The command centre's wall screen: reads its figures every minute with the screen's device key.
 * The key arrives once in the URL's fragment (#key=…, never sent to the server, so never in an
 * access log), is kept in localStorage and the fragment is removed from the address bar; each read
 * sends it as `Authorization: Device <key>`. A 401 (revoked or unknown key) shows why and stops. */
(function () {
  "use strict";

  const W = JSON.parse(document.getElementById("screen-words").textContent);
  const cfg = JSON.parse(document.getElementById("screen-config").textContent);
  const STORE = "chengguan.screenKey";
  const $ = (id) => document.getElementById(id);
  const fmt = (template, values) => template.replace(/%\((\w+)\)s/g, (_, k) => String(values[k]));
  const lang = document.documentElement.lang || "zh-hans";
  const locale = lang.startsWith("en") ? "en-GB" : "zh-CN";

  let key = "";
  const fromHash = /(?:^#|&)key=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (fromHash) {
    key = fromHash[1];
    try { localStorage.setItem(STORE, key); } catch (e) { /* a private window keeps it in memory only */ }
    history.replaceState(null, "", location.pathname + location.search);
  } else {
    try { key = localStorage.getItem(STORE) || ""; } catch (e) { key = ""; }
  }

  let timer = null;
  function refuse(title, help) {
    if (timer) clearInterval(timer);
    $("refused-title").textContent = title;
    $("refused-help").textContent = help;
    $("screen-refused").hidden = false;
  }

  /* ---- the clock ---- */
  const clockFmt = new Intl.DateTimeFormat(locale, {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", weekday: "short",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
  });
  const tick = () => { $("screen-clock").textContent = clockFmt.format(new Date()); };
  tick();
  setInterval(tick, 1000);

  async function read(url) {
    const answer = await fetch(url, {
      headers: { Authorization: "Device " + key, Accept: "application/json" },
      credentials: "same-origin", // the language cookie; the reads ignore any session
      cache: "no-store",
    });
    if (answer.status === 401) {
      try { localStorage.removeItem(STORE); } catch (e) { /* nothing kept */ }
      const error = new Error("refused");
      error.refused = true;
      throw error;
    }
    if (!answer.ok) throw new Error(String(answer.status));
    return answer.json();
  }

  /* ---- the ranking (ECharts) ---- */
  const ranking = echarts.init($("screen-ranking"), "dark", { renderer: "canvas" });
  function drawRanking(data) {
    const rows = data.ranking.rows.slice().reverse();
    $("ranking-period").textContent = data.ranking.first.slice(5) + " — " + data.ranking.last.slice(5);
    ranking.setOption({
      backgroundColor: "transparent",
      animationDuration: 600,
      grid: { left: 8, right: 64, top: 6, bottom: 6, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", max: 100, splitLine: { lineStyle: { color: "rgba(64,158,255,0.15)" } }, axisLabel: { color: "#7f97bd", fontSize: 14 } },
      yAxis: {
        type: "category",
        data: rows.map((r) => r.rank + "  " + r.name),
        axisLabel: { color: "#d9e7ff", fontSize: 17, width: 230, overflow: "truncate" },
        axisLine: { lineStyle: { color: "rgba(64,158,255,0.35)" } },
      },
      series: [{
        type: "bar",
        name: W.score,
        data: rows.map((r) => r.score),
        barWidth: "58%",
        barMaxWidth: 30,
        label: { show: true, position: "right", color: "#36d1ff", fontSize: 17, formatter: (p) => p.value.toFixed(1) },
        itemStyle: {
          borderRadius: [0, 3, 3, 0],
          color: new echarts.graphic.LinearGradient(0, 0, 1, 0, [
            { offset: 0, color: "rgba(24,144,255,0.35)" }, { offset: 1, color: "#36d1ff" },
          ]),
        },
      }],
      graphic: rows.length ? [] : [{ type: "text", left: "center", top: "middle", style: { text: W.noRanking, fill: "#7f97bd", fontSize: 18 } }],
    }, true);
  }

  /* ---- the last seven days ---- */
  const week = echarts.init($("screen-week"), "dark", { renderer: "canvas" });
  function drawWeek(data) {
    week.setOption({
      backgroundColor: "transparent",
      color: ["#36d1ff", "#1e88e5", "#ffb020"],
      legend: { top: 0, right: 0, textStyle: { color: "#d9e7ff", fontSize: 14 } },
      grid: { left: 8, right: 8, top: 34, bottom: 4, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.week.days, axisLabel: { color: "#7f97bd", fontSize: 13 } },
      yAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "rgba(64,158,255,0.15)" } }, axisLabel: { color: "#7f97bd" } },
      series: data.week.series.map((s, i) => ({
        name: s.name, data: s.values, type: i === 0 ? "line" : "bar", smooth: false, barMaxWidth: 14,
        areaStyle: i === 0 ? { opacity: 0.15 } : undefined,
      })),
    }, true);
  }

  /* ---- the map: the bureau's grids coloured by their open cases ---- */
  const map = L.map("screen-map", { zoomControl: false, attributionControl: false, zoomSnap: 0.25 });
  const STEPS = [
    [0, "rgba(54,209,255,0.06)"], [1, "#1565c0"], [3, "#1e88e5"], [6, "#ffb020"], [10, "#ff7a45"], [20, "#ff4d5e"],
  ];
  const colour = (n) => STEPS.reduce((c, [at, col]) => (n >= at ? col : c), STEPS[0][1]);
  $("map-legend").replaceChildren(...STEPS.slice(1).map(([at, col]) => {
    const span = document.createElement("span");
    const swatch = document.createElement("i");
    swatch.style.background = col;
    span.append(swatch, document.createTextNode("≥" + at));
    return span;
  }));
  let counts = {};
  const grids = L.geoJSON(null, {
    style: (f) => {
      const n = (counts[f.properties.id] || {}).open || 0;
      return { color: "rgba(54,209,255,0.55)", weight: 0.8, fillColor: colour(n), fillOpacity: n ? 0.78 : 1 };
    },
    onEachFeature: (f, layer) => layer.bindTooltip(() => {
      const c = counts[f.properties.id] || { open: 0, overdue: 0 };
      return f.properties.code + "<br>" + W.openCases + " " + c.open + " · " + W.overdueCases + " " + c.overdue;
    }, { sticky: true }),
  }).addTo(map);

  async function loadOutlines() {
    const outlines = await read(cfg.outlines);
    grids.addData(outlines);
    if (outlines.features.length) map.fitBounds(grids.getBounds(), { padding: [10, 10] });
    else map.setView([34.75, 113.6], 12);
  }

  /* ---- who is on duty ---- */
  function drawDuty(people) {
    $("duty-count").textContent = people.length ? String(people.length) : "";
    const items = people.map((p) => {
      const li = document.createElement("li");
      const post = document.createElement("span");
      post.className = "duty-post" + (p.lead ? " leader" : "");
      post.textContent = p.post;
      const who = document.createElement("span");
      who.className = "duty-who";
      who.textContent = p.name;
      const unit = document.createElement("small");
      unit.textContent = p.unit;
      who.append(unit);
      const until = document.createElement("span");
      until.className = "duty-until";
      until.textContent = W.until + " " + p.until;
      li.append(post, who, until);
      return li;
    });
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "duty-empty";
      li.textContent = W.nobody;
      items.push(li);
    }
    $("screen-duty").replaceChildren(...items);
  }

  const number = new Intl.NumberFormat(locale);
  let lastGood = null;
  async function refresh() {
    try {
      const data = await read(cfg.data);
      $("screen-bureau").textContent = data.bureau;
      document.title = data.bureau + " · " + document.title.split(" · ").pop();
      $("kpi-reported").textContent = number.format(data.today.reported);
      $("kpi-filed").textContent = number.format(data.today.filed);
      $("kpi-closed").textContent = number.format(data.today.closed);
      $("kpi-open").textContent = number.format(data.open);
      $("kpi-overdue").textContent = number.format(data.overdue);
      drawRanking(data);
      drawWeek(data);
      counts = data.grids;
      grids.setStyle(grids.options.style);
      drawDuty(data.on_duty);
      lastGood = new Date(data.now);
      const at = lastGood.toLocaleTimeString(locale, { timeZone: "Asia/Shanghai", hour12: false });
      $("screen-updated").textContent = W.updated + " " + at + " · " + W.rules + " " + data.rule_version;
      $("screen-updated").classList.remove("stale");
      document.body.dataset.loaded = "1";
    } catch (error) {
      if (error.refused) { refuse(W.revoked, W.revokedHelp); return; }
      if (lastGood) {
        const at = lastGood.toLocaleTimeString(locale, { timeZone: "Asia/Shanghai", hour12: false });
        $("screen-updated").textContent = fmt(W.stale, { time: at });
        $("screen-updated").classList.add("stale");
      }
    }
  }

  window.addEventListener("resize", () => { ranking.resize(); week.resize(); map.invalidateSize(); });

  if (!key) {
    refuse(W.noKey, W.noKeyHelp);
    return;
  }
  loadOutlines().catch((error) => { if (error.refused) refuse(W.revoked, W.revokedHelp); });
  refresh();
  timer = setInterval(refresh, (cfg.refreshSeconds || 60) * 1000);
})();

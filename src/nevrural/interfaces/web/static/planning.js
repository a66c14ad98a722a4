/*
 * The planning pages' maps and charts (targeting, siting, events), drawn with ECharts
 * through window.nevruralMap (map.js). Load after echarts.min.js, app.js and map.js.
 *
 * Each page renders <script type="application/json" id="planning-data"> with
 *   {page: "targeting" | "siting" | "events", data: {...}, texts: {...}}
 * where texts are the page's translated strings (the message catalogues), so this file
 * holds no visible text. The tables stay the source of truth: the maps only illustrate
 * them, and a map that cannot load says so in its status line.
 *
 * Targeting: counties coloured by score over their provinces' boundaries, the county
 *   seats as points; a click marks the county's table row. A stacked bar chart shows
 *   the score's contributions for the top counties.
 * Siting: the plan's counties, its sites (existing, new, mobile bases) and townships
 *   (covered or not) from /api/v1/siting/scenarios/{id}/sites.geojson; the county
 *   selector zooms to one county.
 * Linkage: the chosen cities as points over the country's county boundaries.
 * Events: the selected caravan's day routes and events from
 *   /api/v1/events/plans/{id}/routes.geojson (all caravans: one colour each); a day link
 *   highlights that day's route without reloading the page.
 */
(function () {
  "use strict";

  const app = window.nevrural;
  const maps = window.nevruralMap;
  if (!app || !maps) return;
  const config = app.messages("planning-data");
  const texts = config.texts || {};
  const data = config.data || {};
  const NATION_AFTER_PROVINCES = 6; // more provinces than this: fetch the whole country once

  function setStatus(id, text) {
    const element = document.getElementById(id);
    if (!element) return;
    element.textContent = text || "";
    element.hidden = !text;
  }

  async function boundariesOf(provinces) {
    if (!provinces.length) return {type: "FeatureCollection", features: []};
    if (provinces.length > NATION_AFTER_PROVINCES) return maps.boundaries();
    const parts = await Promise.all(provinces.map((code) => maps.boundaries(code)));
    return {type: "FeatureCollection", features: parts.flatMap((part) => part.features)};
  }

  function guard(statusId, work) {
    setStatus(statusId, texts.loading);
    return work().then(
      (message) => setStatus(statusId, message || ""),
      (error) => {
        setStatus(statusId, texts.failed);
        if (window.console) window.console.warn("planning map:", error);
      },
    );
  }

  function markRow(tableId, code) {
    const table = document.getElementById(tableId);
    if (!table) return;
    table.querySelectorAll("tr.is-highlighted").forEach((row) => row.classList.remove("is-highlighted"));
    const row = table.querySelector("tr[data-code=\"" + code + "\"]");
    if (row) {
      row.classList.add("is-highlighted");
      row.scrollIntoView({block: "nearest"});
    }
  }

  /* Targeting ------------------------------------------------------------------ */

  const compactNumber = new Intl.NumberFormat(document.documentElement.lang || "zh-CN", {
    notation: "compact",
    maximumFractionDigits: 1,
  });

  function compact(value) {
    return compactNumber.format(value);
  }

  async function drawTargetingMap(element) {
    const points = data.points || [];
    if (!points.length) {
      return texts.empty;
    }
    const geo = await boundariesOf(data.provinces || []);
    // Every county gets an entry: null draws it in the empty colour (a county missing
    // from the values would take the series' default colour instead).
    const values = {};
    geo.features.forEach((feature) => { values[feature.properties.code] = null; });
    points.forEach((point) => { values[point.code] = point.score; });
    const byCode = {};
    points.forEach((point) => { byCode[point.code] = point; });
    const describe = (point) => app.format(texts.tooltip, {
      rank: point.rank,
      name: point.name,
      province: point.province,
      score: app.number(point.score),
    });
    maps.draw(element, geo, {
      values,
      valueName: texts.score,
      format: (value) => app.number(value),
      colors: maps.palettes.orange.slice(1), // the palest step would vanish on the grey
      selected: points.map((point) => point.code),
      label: element.getAttribute("aria-label"),
      tooltip: (feature) => (byCode[feature.code] ? describe(byCode[feature.code]) : feature.name),
      pointTooltip: (point) => describe(point),
      layers: [{
        type: "points",
        color: "#1f2933",
        symbolSize: 4,
        data: points.filter((p) => p.lon != null && p.lat != null),
      }],
      onClick: (feature) => { if (byCode[feature.code]) markRow("targeting-table", feature.code); },
      onPointClick: (point) => markRow("targeting-table", point.code),
    });
  }

  function drawContributions(element) {
    const top = (data.top || []).slice().reverse(); // the best county at the top of the chart
    const keys = data.contribution_keys || [];
    if (!top.length || !window.echarts) return;
    const chart = window.echarts.init(element, null, {renderer: "canvas"});
    const labels = texts.contributions || {};
    chart.setOption({
      animation: false,
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, confine: true,
        valueFormatter: (value) => app.number(value)},
      legend: {top: 0, left: 0, itemWidth: 14, itemGap: 8, textStyle: {fontSize: 11}},
      grid: {left: 8, right: 16, top: 56, bottom: 8, containLabel: true},
      xAxis: {type: "value", splitNumber: 3, axisLabel: {formatter: compact, hideOverlap: true}},
      yAxis: {type: "category", data: top.map((row) => row.name)},
      series: keys.map((key) => ({
        type: "bar",
        name: labels[key] || key,
        stack: "score",
        data: top.map((row) => Math.round((row.contributions || {})[key] || 0)),
      })),
    });
    window.addEventListener("resize", () => chart.resize());
  }

  /* Siting --------------------------------------------------------------------- */

  function sitingLayers(collection, county) {
    const inCounty = (code) => !county || String(code || "").slice(0, 6) === county;
    const existing = [];
    const built = [];
    const mobile = [];
    const covered = [];
    const uncovered = [];
    const links = [];
    collection.features.forEach((feature) => {
      const p = feature.properties || {};
      const g = feature.geometry || {};
      if (p.layer === "link") {
        if (inCounty(p.township)) links.push({coords: g.coordinates, name: p.township});
        return;
      }
      if (g.type !== "Point") return;
      const point = {lon: g.coordinates[0], lat: g.coordinates[1], name: p.name, props: p};
      if (p.layer === "site" && inCounty(p.county_code)) {
        if (p.role === "mobile_repair_base") mobile.push(point);
        else if (p.is_new) built.push(point);
        else existing.push(point);
      } else if (p.layer === "township" && inCounty(p.county_code)) {
        (p.is_covered ? covered : uncovered).push(point);
      }
    });
    const layers = [
      {type: "lines", name: texts.links, color: "#9aa5b1", width: 1, data: links},
      {type: "points", name: texts.covered, color: "#1b7837", symbolSize: county ? 7 : 4, data: covered},
      {type: "points", name: texts.uncovered, color: "#d62728", symbolSize: county ? 7 : 4, data: uncovered},
      {type: "points", name: texts.site_existing, color: "#1f77b4", symbolSize: county ? 13 : 8, data: existing},
      {type: "points", name: texts.site_new, color: "#ff7f0e", symbolSize: county ? 13 : 8, data: built},
      {type: "points", name: texts.mobile_base, color: "#9467bd", symbolSize: county ? 13 : 8, data: mobile},
    ];
    return layers.filter((layer) => layer.data.length);
  }

  function sitingTooltip(point, layer) {
    if (!point) return "";
    if (layer.type === "lines") {
      return point.name || "";
    }
    const p = point.props || {};
    if (p.layer === "township") {
      const km = p.road_km == null ? "" : app.format(texts.road_km, {km: app.number(p.road_km, 1)});
      return app.format(texts.town_tooltip, {name: p.name, layer: layer.name, km});
    }
    return app.format(texts.site_tooltip, {name: p.name, layer: layer.name});
  }

  // Pale, so the township and site points stay readable on the shaded counties.
  const COVERAGE_COLORS = ["#fbfbe0", "#e4f2b6", "#c2e29a", "#9ccf84"];

  async function drawSitingMap(element) {
    const counties = data.counties || [];
    if (!counties.length || !data.scenario_id) {
      return texts.empty;
    }
    const [geo, sites] = await Promise.all([
      boundariesOf(data.provinces || []),
      app.fetchJson("/api/v1/siting/scenarios/" + data.scenario_id + "/sites.geojson"),
    ]);
    // The plan's counties coloured by township coverage (%) among their provinces' others.
    const coverage = {};
    geo.features.forEach((feature) => { coverage[feature.properties.code] = null; });
    counties.forEach((county) => { coverage[county.code] = county.coverage_pct; });
    const codes = counties.map((county) => county.code);
    const options = (county) => ({
      values: county ? {[county]: coverage[county]} : coverage,
      valueName: texts.coverage,
      format: (value) => app.number(value, 1) + "%",
      min: 0,
      max: 100,
      colors: COVERAGE_COLORS,
      layers: sitingLayers(sites, county),
      selected: county ? [county] : codes,
      label: element.getAttribute("aria-label"),
      pointTooltip: sitingTooltip,
      onClick: (feature) => markRow("siting-table", feature.code),
    });
    let map = maps.draw(element, geo, options(""));
    const select = document.getElementById("siting-county");
    if (select) {
      select.addEventListener("change", () => {
        const county = select.value;
        const shape = county ? maps.featureCollection(geo, [county]) : geo;
        map.dispose();
        map = maps.draw(element, shape, options(county));
        if (county) markRow("siting-table", county);
      });
    }
  }

  /* Events --------------------------------------------------------------------- */

  function eventLayers(routes, caravan, day) {
    const palette = maps.palettes.layers;
    const mine = routes.features.filter((f) => !caravan || f.properties.caravan_id === caravan);
    const lines = mine.filter((f) => f.properties.layer === "route" && f.geometry.type === "LineString");
    const events = mine.filter((f) => f.properties.layer === "event" && f.geometry.type === "Point");
    const line = (f) => ({coords: f.geometry.coordinates, name: f.properties.date, props: f.properties});
    const layers = [];
    if (caravan) {
      layers.push({type: "lines", name: app.format(texts.caravan, {id: caravan}), color: palette[1], width: 2,
        data: lines.map(line)});
    } else {
      const ids = Array.from(new Set(lines.map((f) => f.properties.caravan_id))).sort(
        (a, b) => a.localeCompare(b, undefined, {numeric: true}));
      ids.forEach((id, index) => layers.push({
        type: "lines", name: id, color: palette[index % palette.length], width: 1.5,
        data: lines.filter((f) => f.properties.caravan_id === id).map(line),
      }));
    }
    layers.push({
      type: "points", name: texts.events, color: "#1f2933", symbolSize: caravan ? 6 : 4,
      data: events.map((f) => ({
        lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1],
        name: f.properties.venue_name, props: f.properties,
      })),
    });
    if (day) {
      const today = lines.filter((f) => f.properties.date === day).map(line);
      if (today.length) layers.push({type: "lines", name: app.format(texts.day, {date: day}), color: "#d62728", width: 5, data: today});
    }
    return layers.filter((layer) => layer.data.length);
  }

  function eventTooltip(point) {
    if (!point) return "";
    const p = point.props || {};
    if (p.layer === "event") {
      return app.format(texts.event_tooltip, {
        date: p.date, start: p.start, end: p.end, venue: p.venue_name,
        caravan: p.caravan_id, persons: app.number(p.persons),
      });
    }
    return app.format(texts.route_tooltip, {date: p.date, caravan: p.caravan_id, km: app.number(p.drive_km, 1)});
  }

  function markDay(day) {
    document.querySelectorAll("#events-days tr.is-current").forEach((row) => {
      row.classList.remove("is-current");
      row.removeAttribute("aria-current");
    });
    const row = document.getElementById("day-" + day);
    if (row) {
      row.classList.add("is-current");
      row.setAttribute("aria-current", "date");
    }
  }

  async function drawEventsMap(element) {
    const counties = data.counties || [];
    if (!counties.length || !data.plan_id) {
      return texts.empty;
    }
    const [geo, routes] = await Promise.all([
      boundariesOf(data.provinces || []),
      app.fetchJson("/api/v1/events/plans/" + data.plan_id + "/routes.geojson"),
    ]);
    const shape = maps.featureCollection(geo, counties);
    const caravan = data.caravan || null;
    const map = maps.draw(element, shape, {
      layers: eventLayers(routes, caravan, data.day),
      label: element.getAttribute("aria-label"),
      pointTooltip: eventTooltip,
      onPointClick: (point) => {
        const date = point && point.props && point.props.date;
        if (caravan && date) showDay(date);
      },
    });
    function showDay(day) {
      map.setLayers(eventLayers(routes, caravan, day));
      markDay(day);
      const url = new URL(window.location.href);
      url.searchParams.set("day", day);
      window.history.replaceState(null, "", url.pathname + url.search);
    }
    if (caravan) {
      document.querySelectorAll("a.planning-day-link[data-day]").forEach((link) => {
        link.addEventListener("click", (event) => {
          event.preventDefault();
          showDay(link.dataset.day);
          element.scrollIntoView({block: "nearest"});
        });
      });
    }
  }

  /* Linkage -------------------------------------------------------------------- */

  async function drawLinkageMap(element) {
    const cities = (data.cities || []).filter((c) => c.lon != null && c.lat != null);
    if (!cities.length) {
      return texts.empty;
    }
    const geo = await maps.boundaries(); // the whole country: the cities span it
    maps.draw(element, geo, {
      label: element.getAttribute("aria-label"),
      layers: [{type: "points", name: texts.cities, color: "#d94801", symbolSize: 12, data: cities}],
      pointTooltip: (point) => (point ? point.name : ""),
      onPointClick: (point) => { if (point) markRow("linkage-table", point.code); },
    });
  }

  app.ready(() => {
    const run = {
      targeting: () => {
        const chart = document.getElementById("targeting-contributions");
        if (chart) drawContributions(chart);
        const element = document.getElementById("targeting-map");
        if (element) guard("targeting-map-status", () => drawTargetingMap(element));
      },
      siting: () => {
        const element = document.getElementById("siting-map");
        if (element) guard("siting-map-status", () => drawSitingMap(element));
      },
      events: () => {
        const element = document.getElementById("events-map");
        if (element) guard("events-map-status", () => drawEventsMap(element));
      },
      linkage: () => {
        const element = document.getElementById("linkage-map");
        if (element) guard("linkage-map-status", () => drawLinkageMap(element));
      },
    }[config.page];
    if (run) run();
  });
})();

/*
 * The atlas page: counties coloured by NEV penetration, potential or score; the nation,
 * then a province's counties, then a county with its townships and indicators.
 *
 * Data: /atlas/county-values.json (every county's values, once), the simplified county
 * boundaries (/api/v1/atlas/boundaries), townships (/api/v1/divisions?parent=&level=
 * township) and a county's indicators (/api/v1/divisions/{code}). The view lives in the
 * URL (?indicator=&province=&county=), so Back and reload keep it; the selects do all
 * the map's clicks do, for the keyboard.
 */
(function () {
  "use strict";

  const INDICATORS = ["penetration", "potential", "score"];
  // Units of the atlas API's indicators that read differently in each language.
  const UNIT_KEYS = {
    persons: "atlas.unit.persons",
    households: "atlas.unit.households",
    vehicles: "atlas.unit.vehicles",
    points: "atlas.unit.points",
  };
  const byId = (id) => document.getElementById(id);
  const texts = nevrural.messages("atlas-messages");
  const tr = (key, values) => nevrural.format(texts[key] || key, values || {});
  const el = {
    map: byId("atlas-map"),
    status: byId("atlas-status"),
    indicator: byId("atlas-indicator"),
    province: byId("atlas-province"),
    county: byId("atlas-county"),
    crumbs: byId("atlas-breadcrumb"),
    side: byId("atlas-side-body"),
  };
  const state = {indicator: INDICATORS[0], province: "", county: ""};
  let countyValues = null; // code -> {name, province_code, penetration, potential, score, ...}
  let drawing = 0; // the latest view asked for; older loads give way

  function ramp(indicator) {
    const p = nevruralMap.palettes;
    return {penetration: p.blue, potential: p.green, score: p.orange}[indicator];
  }

  function setStatus(key, values) {
    el.status.textContent = key ? tr(key, values) : "";
    el.status.hidden = !key;
  }

  function formatValue(indicator, value) {
    if (value == null) return "–";
    if (indicator === "penetration") return nevrural.number(100 * value, 1) + "%";
    return nevrural.number(value) + " " + tr("atlas.unit.vehicles");
  }

  function provinceOf(code) {
    return code.slice(0, 2) + "0000";
  }

  function provinceName(code) {
    const option = el.province.querySelector('option[value="' + code + '"]');
    return option ? option.textContent : code;
  }

  function readUrl() {
    const query = new URLSearchParams(location.search);
    const indicator = query.get("indicator");
    state.indicator = INDICATORS.includes(indicator) ? indicator : INDICATORS[0];
    const province = query.get("province") || "";
    state.province = /^\d{2}0000$/.test(province) ? province : "";
    const county = query.get("county") || "";
    state.county = state.province && /^\d{6}$/.test(county) && county.startsWith(state.province.slice(0, 2)) ? county : "";
  }

  function writeUrl(push) {
    const query = new URLSearchParams();
    if (state.indicator !== INDICATORS[0]) query.set("indicator", state.indicator);
    if (state.province) query.set("province", state.province);
    if (state.county) query.set("county", state.county);
    const keep = new URLSearchParams(location.search).get("lang");
    if (keep) query.set("lang", keep);
    const url = location.pathname + (query.toString() ? "?" + query : "");
    if (url !== location.pathname + location.search) {
      history[push ? "pushState" : "replaceState"](null, "", url);
    }
  }

  function crumb(label, onClick, isCurrent) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = label;
    if (isCurrent) button.setAttribute("aria-current", "location");
    button.addEventListener("click", onClick);
    item.appendChild(button);
    return item;
  }

  function renderCrumbs(countyName) {
    el.crumbs.replaceChildren();
    el.crumbs.appendChild(crumb(tr("atlas.nation"), () => go("", ""), !state.province));
    if (state.province) {
      el.crumbs.appendChild(crumb(provinceName(state.province), () => go(state.province, ""), !state.county));
    }
    if (state.county) {
      el.crumbs.appendChild(crumb(countyName || state.county, () => go(state.province, state.county), true));
    }
  }

  function syncControls(features) {
    el.indicator.value = state.indicator;
    el.province.value = state.province;
    if (features) {
      const options = features
        .map((f) => f.properties)
        .sort((a, b) => a.code.localeCompare(b.code))
        .map((p) => new Option(p.name + " " + p.code, p.code));
      el.county.replaceChildren(new Option(tr("atlas.choose_county"), ""), ...options);
    }
    el.county.disabled = !state.province;
    el.county.value = state.county;
  }

  function valuesFor(features) {
    const values = {};
    features.forEach((f) => {
      const v = countyValues[f.properties.code];
      if (v) values[f.properties.code] = v[state.indicator];
    });
    return values;
  }

  function shortlisted(features) {
    return features.map((f) => f.properties.code).filter((c) => countyValues[c] && countyValues[c].is_shortlisted);
  }

  function tooltip(feature) {
    const v = countyValues[feature.code];
    const lines = [feature.name + " " + feature.code];
    lines.push(tr("atlas.indicator." + state.indicator) + ": " + formatValue(state.indicator, feature.value));
    if (v && v.is_shortlisted) lines.push(tr("atlas.shortlisted"));
    return lines.join("\n");
  }

  function drawMap(geojson, more) {
    return nevruralMap.draw(el.map, geojson, Object.assign({
      values: valuesFor(geojson.features),
      valueName: tr("atlas.indicator." + state.indicator),
      format: (value) => formatValue(state.indicator, value),
      colors: ramp(state.indicator),
      selected: shortlisted(geojson.features),
      tooltip,
      label: tr("atlas.map_label"),
    }, more || {}));
  }

  function definitionList(rows) {
    const list = document.createElement("dl");
    rows.forEach(([term, value]) => {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = value;
      list.append(dt, dd);
    });
    return list;
  }

  function paragraph(text, className) {
    const p = document.createElement("p");
    p.textContent = text;
    if (className) p.className = className;
    return p;
  }

  function topList(features) {
    const ranked = features
      .map((f) => f.properties.code)
      .filter((c) => countyValues[c])
      .sort((a, b) => countyValues[b][state.indicator] - countyValues[a][state.indicator])
      .slice(0, 5);
    const list = document.createElement("ol");
    ranked.forEach((code) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary link-button";
      button.textContent = countyValues[code].name + " · " + formatValue(state.indicator, countyValues[code][state.indicator]);
      button.addEventListener("click", () => go(provinceOf(code), code));
      item.appendChild(button);
      list.appendChild(item);
    });
    return list;
  }

  function sideSummary(title, features) {
    const codes = features.map((f) => f.properties.code).filter((c) => countyValues[c]);
    el.side.replaceChildren(
      paragraph(title),
      definitionList([
        [tr("atlas.side.counties"), nevrural.number(codes.length)],
        [tr("atlas.side.shortlisted"), nevrural.number(codes.filter((c) => countyValues[c].is_shortlisted).length)],
      ]),
      paragraph(tr("atlas.side.top", {indicator: tr("atlas.indicator." + state.indicator)})),
      topList(features),
      paragraph(tr(state.province ? "atlas.side_hint_province" : "atlas.side_hint"), "muted"),
    );
  }

  function indicatorText(item) {
    if (item.key === "winter_temperature_class") {
      return tr("atlas.winter_class." + Math.round(item.value));
    }
    const digits = Number.isInteger(item.value) ? 0 : 1;
    const unitKey = UNIT_KEYS[item.unit];
    const unit = unitKey ? tr(unitKey) : item.unit || "";
    return nevrural.number(item.value, digits) + (unit ? " " + unit : "");
  }

  function sideCounty(code, detail, townships) {
    const v = countyValues[code] || {};
    const lang = document.documentElement.lang;
    const rows = INDICATORS.map((key) => [tr("atlas.indicator." + key), formatValue(key, v[key])]);
    rows.push([tr("atlas.townships"), nevrural.number(townships.length)]);
    const indicators = (detail.indicators || []).map((item) => [
      (lang === "en" ? item.label_en : item.label_zh) || item.key,
      indicatorText(item) + (item.source === "modelled" ? " *" : ""),
    ]);
    const parts = [
      paragraph(detail.name + " " + code + " · " + provinceName(state.province)),
      paragraph(tr(v.is_shortlisted ? "atlas.shortlisted" : "atlas.not_shortlisted"), v.is_shortlisted ? "ok" : "muted"),
      definitionList(rows),
    ];
    if (indicators.length) {
      const heading = document.createElement("h3");
      heading.textContent = tr("atlas.indicators");
      parts.push(heading, definitionList(indicators), paragraph(tr("atlas.source_modelled"), "flag"));
    }
    if (townships.some((t) => t.location_quality === "approximate")) {
      parts.push(paragraph(tr("atlas.townships_approx"), "flag"));
    }
    el.side.replaceChildren(...parts);
  }

  async function drawNation(ticket) {
    setStatus("atlas.loading");
    const geojson = await nevruralMap.boundaries();
    if (ticket !== drawing) return;
    drawMap(geojson, {onClick: (f) => go(provinceOf(f.code), "")});
    syncControls(null);
    sideSummary(tr("atlas.nation"), geojson.features);
    setStatus(null);
  }

  async function drawProvince(ticket) {
    setStatus("atlas.loading");
    const geojson = await nevruralMap.boundaries(state.province);
    if (ticket !== drawing) return;
    drawMap(geojson, {onClick: (f) => go(state.province, f.code)});
    syncControls(geojson.features);
    sideSummary(provinceName(state.province), geojson.features);
    setStatus(null);
  }

  async function drawCounty(ticket) {
    setStatus("atlas.loading_townships");
    const [geojson, towns, detail] = await Promise.all([
      nevruralMap.boundaries(state.province),
      nevrural.fetchJson("/api/v1/divisions?level=township&parent=" + encodeURIComponent(state.county)),
      nevrural.fetchJson("/api/v1/divisions/" + encodeURIComponent(state.county)),
    ]);
    if (ticket !== drawing) return;
    const one = nevruralMap.featureCollection(geojson, [state.county]);
    const townships = towns.items.filter((t) => t.lon != null && t.lat != null);
    const provinceValues = Object.values(valuesFor(geojson.features)).filter(Number.isFinite);
    drawMap(one.features.length ? one : geojson, {
      min: Math.min(...provinceValues),
      max: Math.max(...provinceValues),
      showLabels: true,
      layers: [{
        type: "points",
        name: tr("atlas.townships"),
        color: "#d62728",
        symbolSize: 8,
        data: townships.map((t) => ({lon: t.lon, lat: t.lat, name: t.name, id: t.code})),
      }],
      pointTooltip: (point) => point.name + " " + point.id,
      onClick: (f) => go(state.province, f.code),
    });
    syncControls(geojson.features);
    renderCrumbs(detail.name);
    sideCounty(state.county, detail, townships);
    setStatus(null);
  }

  async function show(push) {
    drawing += 1;
    const ticket = drawing;
    writeUrl(push);
    renderCrumbs();
    try {
      if (!state.province) await drawNation(ticket);
      else if (!state.county) await drawProvince(ticket);
      else await drawCounty(ticket);
    } catch (error) {
      if (ticket === drawing) setStatus("atlas.error");
      console.error(error);
    }
  }

  function go(province, county) {
    state.province = province;
    state.county = county;
    show(true);
  }

  async function start() {
    if (!window.echarts) {
      setStatus("atlas.no_echarts");
      return;
    }
    readUrl();
    syncControls(null);
    setStatus("atlas.loading");
    try {
      countyValues = (await nevrural.fetchJson("/atlas/county-values.json")).counties;
    } catch (error) {
      setStatus("atlas.error");
      console.error(error);
      return;
    }
    el.indicator.addEventListener("change", () => {
      state.indicator = el.indicator.value;
      show(false);
    });
    el.province.addEventListener("change", () => go(el.province.value, ""));
    el.county.addEventListener("change", () => go(state.province, el.county.value));
    window.addEventListener("popstate", () => {
      readUrl();
      show(false);
    });
    show(false);
  }

  nevrural.ready(start);
})();

/*
 * nevruralMap: draw our own GeoJSON with Apache ECharts (no tile server, no CDN).
 *
 * Load after ECharts, in a page's {% block scripts %} (base.html puts it at the end of body):
 *   <script src="{{ vendor('echarts.min.js') }}"></script>
 *   <script src="{{ static('map.js') }}"></script>
 *
 *   const map = nevruralMap.draw(element, geojson, options);
 *
 * geojson: a FeatureCollection whose features carry properties.code and properties.name,
 *   e.g. await nevruralMap.boundaries("410000") (GET /api/v1/atlas/boundaries?simplified=true
 *   &province=410000, cached; no argument: the whole country, about 2.3 MB).
 *
 * options (all optional):
 *   values       {code: number}        colour the features by value, with a legend (visualMap)
 *   valueName    string                the values' name in the legend and tooltips
 *   format       fn(value) -> string   how a value is written (default: grouped digits)
 *   colors       [css colour, ...]     the legend's colour ramp, low to high
 *   min, max     number                the legend's range (default: the values' range)
 *   legendText   [high, low]           words at the legend's ends (default: none; the handles
 *                                     show the formatted values)
 *   emptyColor   css colour            features without a value
 *   selected     [code, ...]           features outlined in dark ink (e.g. the shortlist)
 *   showLabels   bool                  write feature names on the map (default: one feature only)
 *   layers       [{type: "points", name, color, symbolSize, data: [{lon, lat, name, value?, id?}]},
 *                 {type: "lines", name, color, width, data: [{coords: [[lon, lat], ...], name}]}]
 *                 drawn over the features (events, sites, townships, routes); each layer
 *                 gets a legend entry when it has a name
 *   tooltip      fn({code, name, value}) -> string   plain text (escaped here), one line per \n
 *   pointTooltip fn(point, layer) -> string          likewise for points and lines
 *   onClick      fn({code, name, value})   a feature was clicked
 *   onPointClick fn(point, layer)          a point of a layer was clicked
 *   label        string                accessible name of the map (role="img", aria-label)
 *   roam         bool                  pan and zoom (default true)
 *
 * Returns {chart, update(options), setLayers(layers), resize(), dispose()}; update()
 * merges its options with the earlier ones and redraws. Helpers: nevruralMap.boundaries
 * (province), nevruralMap.featureCollection(geojson, codes) (a subset), nevruralMap.escape
 * (text), nevruralMap.palettes (colour ramps).
 */
(function () {
  "use strict";

  const palettes = {
    green: ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"],
    orange: ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"],
    blue: ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"],
    layers: ["#d62728", "#1f77b4", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#2ca02c"],
  };

  let counter = 0;
  const registered = new WeakMap(); // geojson object -> registered map name
  const boundaryCache = new Map(); // province code ("" = nation) -> Promise<geojson>

  function escape(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, (ch) => (
      {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[ch]
    ));
  }

  function lines(text) {
    return String(text).split("\n").map(escape).join("<br>");
  }

  function defaultFormat(value) {
    if (value == null || Number.isNaN(value)) return "–";
    return Number(value).toLocaleString(document.documentElement.lang || "zh-CN");
  }

  function mapName(geojson) {
    let name = registered.get(geojson);
    if (!name) {
      counter += 1;
      name = "nevrural-map-" + counter;
      window.echarts.registerMap(name, geojson);
      registered.set(geojson, name);
    }
    return name;
  }

  function featureCollection(geojson, codes) {
    const wanted = new Set(codes);
    return {
      type: "FeatureCollection",
      features: geojson.features.filter((f) => wanted.has(f.properties.code)),
    };
  }

  function boundaries(province) {
    const key = province || "";
    if (!boundaryCache.has(key)) {
      const query = key ? "&province=" + encodeURIComponent(key) : "";
      const request = fetch("/api/v1/atlas/boundaries?simplified=true" + query, {
        headers: {Accept: "application/geo+json"},
      }).then((response) => {
        if (!response.ok) throw new Error("boundaries " + key + ": HTTP " + response.status);
        return response.json();
      });
      request.catch(() => boundaryCache.delete(key));
      boundaryCache.set(key, request);
    }
    return boundaryCache.get(key);
  }

  function range(values, options) {
    const numbers = Object.values(values).filter((v) => typeof v === "number" && Number.isFinite(v));
    const min = options.min != null ? options.min : Math.min(...numbers);
    const max = options.max != null ? options.max : Math.max(...numbers);
    if (!numbers.length) return [0, 1];
    return max > min ? [min, max] : [min, min + 1];
  }

  function layerSeries(layer, index) {
    const color = layer.color || palettes.layers[index % palettes.layers.length];
    if (layer.type === "lines") {
      return {
        type: "lines",
        name: layer.name || "",
        coordinateSystem: "geo",
        geoIndex: 0,
        polyline: true,
        silent: false,
        lineStyle: {color, width: layer.width || 2, opacity: 0.85},
        data: layer.data.map((d) => ({name: d.name || "", coords: d.coords, raw: d})),
        z: 3,
      };
    }
    return {
      type: "scatter",
      name: layer.name || "",
      coordinateSystem: "geo",
      geoIndex: 0,
      symbolSize: layer.symbolSize || 7,
      itemStyle: {color, borderColor: "#fff", borderWidth: 1},
      emphasis: {scale: 1.6},
      data: layer.data.map((d) => ({name: d.name || "", value: [d.lon, d.lat, d.value], raw: d})),
      z: 4,
    };
  }

  function buildOption(geojson, o) {
    const values = o.values || {};
    const hasValues = Object.keys(values).length > 0;
    const format = o.format || defaultFormat;
    const names = {};
    geojson.features.forEach((f) => { names[f.properties.code] = f.properties.name; });
    const showLabels = o.showLabels != null ? o.showLabels : geojson.features.length === 1;
    const layers = o.layers || [];
    const option = {
      animation: false,
      tooltip: {
        trigger: "item",
        confine: true,
        formatter(params) {
          if (params.seriesType === "scatter" || params.seriesType === "lines") {
            const layer = layers[params.seriesIndex - 1];
            const raw = params.data && params.data.raw;
            const text = o.pointTooltip ? o.pointTooltip(raw, layer) : (raw && raw.name) || "";
            return lines(text);
          }
          const code = params.name;
          const feature = {code, name: names[code] || code, value: values[code]};
          if (o.tooltip) return lines(o.tooltip(feature));
          const head = escape(feature.name);
          return hasValues ? head + "<br>" + escape(o.valueName || "") + " " + escape(format(feature.value)) : head;
        },
      },
      geo: {
        map: mapName(geojson),
        nameProperty: "code",
        roam: o.roam !== false,
        scaleLimit: {min: 0.8, max: 40},
        selectedMode: false,
        label: {show: showLabels, formatter: (p) => names[p.name] || p.name, fontSize: 11, color: "#1f2933"},
        itemStyle: {areaColor: o.emptyColor || "#dfe5ea", borderColor: "#ffffff", borderWidth: 0.6},
        emphasis: {
          label: {show: true, formatter: (p) => names[p.name] || p.name},
          itemStyle: {areaColor: "#f6c453", borderColor: "#1f2933", borderWidth: 1},
        },
        regions: (o.selected || []).map((code) => ({
          name: code,
          itemStyle: {borderColor: "#1f2933", borderWidth: 1.2},
        })),
      },
      series: [
        {
          type: "map",
          geoIndex: 0,
          name: o.valueName || "",
          data: Object.entries(values).map(([code, value]) => ({name: code, value})),
        },
        ...layers.map(layerSeries),
      ],
    };
    if (hasValues) {
      const [min, max] = range(values, o);
      option.visualMap = {
        type: "continuous",
        seriesIndex: 0,
        min,
        max,
        calculable: true,
        realtime: false,
        orient: "horizontal",
        left: "center",
        bottom: 6,
        itemWidth: 12,
        itemHeight: 140,
        text: o.legendText || undefined, // the handles show the values otherwise
        textStyle: {color: "#1f2933"},
        inRange: {color: o.colors || palettes.green},
        formatter: (value) => format(value),
      };
    }
    const named = layers.filter((layer) => layer.name);
    if (named.length) {
      option.legend = {top: 6, right: 6, data: named.map((layer) => layer.name), backgroundColor: "rgba(255,255,255,0.8)"};
    }
    return option;
  }

  function draw(element, geojson, options) {
    if (!window.echarts) throw new Error("ECharts is not loaded (make setup installs it)");
    let current = Object.assign({}, options || {});
    const chart = window.echarts.getInstanceByDom(element) || window.echarts.init(element, null, {renderer: "canvas"});
    element.setAttribute("role", "img");
    if (current.label) element.setAttribute("aria-label", current.label);

    function render() {
      chart.setOption(buildOption(geojson, current), {notMerge: true});
    }

    chart.off("click");
    chart.on("click", (params) => {
      if (params.seriesType === "scatter" || params.seriesType === "lines") {
        if (current.onPointClick) {
          const layer = (current.layers || [])[params.seriesIndex - 1];
          current.onPointClick(params.data && params.data.raw, layer);
        }
        return;
      }
      if ((params.componentType === "geo" || params.seriesType === "map") && current.onClick) {
        const code = params.name;
        const feature = geojson.features.find((f) => f.properties.code === code);
        current.onClick({
          code,
          name: feature ? feature.properties.name : code,
          value: (current.values || {})[code],
        });
      }
    });

    // One resize listener per element, however often it is drawn again.
    if (element.nevruralResize) window.removeEventListener("resize", element.nevruralResize);
    const onResize = () => chart.resize();
    element.nevruralResize = onResize;
    window.addEventListener("resize", onResize);
    render();

    return {
      chart,
      update(more) {
        current = Object.assign({}, current, more || {});
        if (current.label) element.setAttribute("aria-label", current.label);
        render();
      },
      setLayers(layers) {
        current = Object.assign({}, current, {layers});
        render();
      },
      resize: onResize,
      dispose() {
        window.removeEventListener("resize", onResize);
        element.nevruralResize = null;
        chart.dispose();
      },
    };
  }

  window.nevruralMap = {draw, boundaries, featureCollection, escape, palettes};
})();

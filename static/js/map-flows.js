/* World flow map: lines from North Korea to each destination country, sized by
 * the chosen figure. Hovering or focusing a flow or a country highlights both
 * and shows its figure and source. Data: /api/stats/maps/flows/ (data-src). */
(function () {
  "use strict";
  var M = window.NKDBMaps;
  var FLOW = "#c0392b";
  var FLOW_ON = "#7b1fa2";

  /* A gentle curve between two [lon, lat] points, as Leaflet [lat, lng] pairs. */
  function curve(from, to) {
    var dx = to[0] - from[0];
    var dy = to[1] - from[1];
    var mid = [(from[0] + to[0]) / 2 - dy * 0.2, (from[1] + to[1]) / 2 + dx * 0.2];
    var points = [];
    for (var i = 0; i <= 24; i++) {
      var t = i / 24;
      var lon = (1 - t) * (1 - t) * from[0] + 2 * (1 - t) * t * mid[0] + t * t * to[0];
      var lat = (1 - t) * (1 - t) * from[1] + 2 * (1 - t) * t * mid[1] + t * t * to[1];
      points.push([lat, lon]);
    }
    return points;
  }

  function figuresHtml(el, data, props) {
    var f = props.figures;
    var html = "<h3>" + M.escapeHtml(props.name) + " <span class=\"code\">" + M.escapeHtml(props.code) + "</span></h3>";
    if (!f) {
      html += "<p>" + M.escapeHtml(M.text(el, "no-figure")) + "</p>";
    } else {
      html += "<dl class=\"figures\">";
      if (data.measures.length > 1) {
        html += "<dt>" + M.escapeHtml(M.text(el, "refugees")) + "</dt><dd" + (data.measure === "refugees" ? " class=\"total\"" : "") + ">" + M.escapeHtml(f.refugees_display) + "</dd>";
        html += "<dt>" + M.escapeHtml(M.text(el, "asylum-seekers")) + "</dt><dd" + (data.measure === "asylum_seekers" ? " class=\"total\"" : "") + ">" + M.escapeHtml(f.asylum_seekers_display) + "</dd>";
      } else {
        html += "<dt>" + M.escapeHtml(M.text(el, "male")) + "</dt><dd>" + M.escapeHtml(f.male_display) + "</dd>";
        html += "<dt>" + M.escapeHtml(M.text(el, "female")) + "</dt><dd>" + M.escapeHtml(f.female_display) + "</dd>";
        html += "<dt>" + M.escapeHtml(M.text(el, "total")) + "</dt><dd class=\"total\">" + M.escapeHtml(f.total_display) + "</dd>";
      }
      html += "</dl>";
      if (f.refugees_small || f.asylum_seekers_small) {
        html += "<p class=\"note\">\u2264: " + M.escapeHtml(M.text(el, "small")) + "</p>";
      }
    }
    html += "<p class=\"map-title\">" + M.escapeHtml(String(data.year)) + "</p>";
    html += M.sourceLine(el, data.dataset);
    return html;
  }

  function draw(el, data) {
    var map = M.createMap(el, { minZoom: 1, worldCopyJump: false });
    map.fitBounds([[-50, -160], [72, 175]]);
    var panel = document.getElementById(el.getAttribute("data-info"));
    var countries = data.features.filter(function (f) { return f.properties.kind === "country"; });
    var flows = data.features.filter(function (f) { return f.properties.kind === "flow"; });
    var values = countries.map(function (f) { return f.properties.value; });
    var limits = M.breaks(values.filter(function (v) { return v; }));
    var max = Math.max.apply(null, flows.map(function (f) { return f.properties.value; }).concat([1]));
    var byCode = {};

    function countryStyle(feature) {
      var p = feature.properties;
      return {
        color: p.is_origin ? "#000" : "#777",
        weight: p.is_origin ? 2 : 0.5,
        fillOpacity: p.is_origin ? 0.9 : 0.8,
        fillColor: p.is_origin ? "#f1c40f" : (p.value ? M.colour(p.value, limits) : "#fafafa")
      };
    }
    function width(value) { return 1.5 + 10 * Math.sqrt(value / max); }

    var countryLayer = L.geoJSON({ type: "FeatureCollection", features: countries }, { style: countryStyle }).addTo(map);
    // On a narrow map the whole world does not fit: keep North Korea, where every flow starts, in view.
    countryLayer.eachLayer(function (layer) {
      if (layer.feature.properties.is_origin) map.panInside(layer.getBounds().getCenter(), { padding: [40, 40], animate: false });
    });
    countryLayer.eachLayer(function (layer) {
      byCode[layer.feature.properties.code] = { country: layer };
    });

    var flowLayer = L.layerGroup().addTo(map);
    flows.forEach(function (feature) {
      var c = feature.geometry.coordinates;
      var line = L.polyline(curve(c[0], c[1]), {
        color: FLOW, weight: width(feature.properties.value), opacity: 0.75, lineCap: "round", className: "flow-line"
      });
      line.feature = feature;
      flowLayer.addLayer(line);
      (byCode[feature.properties.code] = byCode[feature.properties.code] || {}).flow = line;
    });

    var active = null;
    function on(code) {
      if (active && active !== code) off(active);
      active = code;
      var entry = byCode[code];
      if (!entry) return;
      if (entry.country) { entry.country.setStyle({ weight: 3, color: FLOW_ON }); M.raise(entry.country); }
      if (entry.flow) { entry.flow.setStyle({ color: FLOW_ON, opacity: 1 }); M.raise(entry.flow); }
      var props = (entry.country || entry.flow).feature.properties;
      panel.innerHTML = figuresHtml(el, data, props);
      el.setAttribute("data-highlighted", code);
    }
    function off(code) {
      var entry = byCode[code];
      if (!entry) return;
      if (entry.country) countryLayer.resetStyle(entry.country);
      if (entry.flow) entry.flow.setStyle({ color: FLOW, opacity: 0.75 });
    }

    Object.keys(byCode).forEach(function (code) {
      var entry = byCode[code];
      [entry.country, entry.flow].forEach(function (layer) {
        if (!layer) return;
        layer.on({ mouseover: function () { on(code); }, click: function () { on(code); } });
      });
      var props = (entry.country || entry.flow).feature.properties;
      if (entry.country && entry.country.getElement()) entry.country.getElement().setAttribute("data-code", code);
      if (entry.flow && entry.flow.getElement()) entry.flow.getElement().setAttribute("data-flow", code);
      if (props.value || props.is_origin) {
        var label = props.name + ": " + (props.value === null ? M.text(el, "no-figure") : M.number(props.value));
        var target = entry.flow || entry.country;
        M.focusable(target, label, function () { on(code); }, function () { on(code); });
      }
    });
    var legendBox = document.getElementById(el.getAttribute("data-legend"));
    M.legend(legendBox, limits, values.filter(function (v) { return v; }), el, data.measure === "asylum_seekers" ? M.text(el, "asylum-seekers") : (data.measure === "refugees" ? M.text(el, "refugees") : M.text(el, "total")));
    el.setAttribute("data-ready", "true");
  }

  function init() {
    document.querySelectorAll(".map[data-kind='flows']").forEach(function (el) {
      el.classList.add("map-world");
      M.load(el).then(function (data) { draw(el, data); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

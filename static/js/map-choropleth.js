/* Province choropleths: North Korea by province of origin, South Korea by region
 * of residence. Data: /api/stats/maps/provinces/ (data-src). */
(function () {
  "use strict";
  var M = window.NKDBMaps;

  function info(el, data, props) {
    var html = "<h3>" + M.escapeHtml(props.name) + " <span class=\"code\">" + M.escapeHtml(props.code) + "</span></h3>";
    if (props.total === null) {
      html += "<p>" + M.escapeHtml(M.text(el, "no-figure")) + "</p>";
    } else {
      html += "<dl class=\"figures\">";
      if (data.has_sexes) {
        html += "<dt>" + M.escapeHtml(M.text(el, "male")) + "</dt><dd>" + M.number(props.male) + "</dd>";
        html += "<dt>" + M.escapeHtml(M.text(el, "female")) + "</dt><dd>" + M.number(props.female) + "</dd>";
      }
      html += "<dt>" + M.escapeHtml(M.text(el, "total")) + "</dt><dd class=\"total\">" + M.number(props.total) + "</dd></dl>";
      if (props.parts.length > 1) {
        html += "<ul class=\"parts\">";
        props.parts.forEach(function (part) {
          html += "<li>" + M.escapeHtml(part.label) + " (" + M.escapeHtml(part.codes.join(", ")) + "): " + M.number(part.total) + "</li>";
        });
        html += "</ul><p class=\"note\">" + M.escapeHtml(M.text(el, "computed")) + "</p>";
      }
    }
    props.notes.forEach(function (note) {
      html += "<p class=\"note\">" + M.escapeHtml(note) + "</p>";
    });
    html += "<p class=\"map-title\">" + M.escapeHtml(data.title) + " \u00b7 " + M.escapeHtml(data.period) + "</p>";
    html += M.sourceLine(el, data.dataset);
    return html;
  }

  function draw(el, data) {
    var map = M.createMap(el);
    var values = data.features.map(function (f) { return f.properties.total; });
    var limits = M.breaks(values);
    var panel = document.getElementById(el.getAttribute("data-info"));
    var selected = null;

    function style(feature) {
      return {
        color: "#4a4a4a",
        weight: 1,
        fillOpacity: 0.85,
        fillColor: M.colour(feature.properties.total, limits)
      };
    }

    var layer = L.geoJSON(data, { style: style });
    function highlight(target) {
      target.setStyle({ weight: 3, color: "#111" });
      M.raise(target);
    }
    function reset(target) {
      if (target !== selected) layer.resetStyle(target);
    }
    function select(target) {
      if (selected && selected !== target) layer.resetStyle(selected);
      selected = target;
      highlight(target);
      panel.innerHTML = info(el, data, target.feature.properties);
      el.setAttribute("data-selected", target.feature.properties.code);
    }

    layer.eachLayer(function (target) {
      target.on({
        click: function () { select(target); },
        mouseover: function () { highlight(target); },
        mouseout: function () { reset(target); }
      });
    });
    layer.addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    layer.eachLayer(function (target) {
      var p = target.feature.properties;
      var label = p.name + ": " + (p.total === null ? M.text(el, "no-figure") : M.number(p.total));
      target.getElement().setAttribute("data-code", p.code);
      M.focusable(target, label, function () { select(target); },
        function () { highlight(target); }, function () { reset(target); });
    });
    M.legend(document.getElementById(el.getAttribute("data-legend")), limits, values, el, data.title);
    el.setAttribute("data-ready", "true");
  }

  function init() {
    document.querySelectorAll(".map[data-kind='choropleth']").forEach(function (el) {
      M.load(el).then(function (data) { draw(el, data); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

/* Shared helpers for the maps (Leaflet, served by the site).
 *
 * No request goes to another host: boundaries and figures come from the site's
 * own API, and tiles are drawn only when the operator sets MAP_TILE_URL (passed
 * in data-tile-url). Without tiles the maps show boundaries and markers only.
 */
(function () {
  "use strict";

  var PALETTE = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  var NO_DATA = "#e5e5e5";

  function text(el, key) {
    return el.getAttribute("data-text-" + key) || "";
  }

  function number(value) {
    if (value === null || value === undefined) return "\u2013";
    return Number(value).toLocaleString(document.documentElement.lang || "en");
  }

  function escapeHtml(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function createMap(el, options) {
    var map = L.map(el, Object.assign({
      zoomSnap: 0.25,
      worldCopyJump: false,
      attributionControl: true,
      keyboard: true,
      zoomControl: false
    }, options || {}));
    // Leaflet's own buttons are titled in English; the page gives them its words.
    L.control.zoom({
      zoomInTitle: el.getAttribute("data-text-zoom-in") || "Zoom in",
      zoomOutTitle: el.getAttribute("data-text-zoom-out") || "Zoom out"
    }).addTo(map);
    map.attributionControl.setPrefix(false);
    var tiles = el.getAttribute("data-tile-url");
    if (tiles) {
      L.tileLayer(tiles, { attribution: el.getAttribute("data-tile-attribution") || "" }).addTo(map);
    } else {
      el.classList.add("map-no-tiles");
    }
    return map;
  }

  /* The grey outline of the land under a case or facility map: the site's own
   * boundary file (data-boundaries). Without it the points are shown alone. */
  function addOutline(map, el) {
    return fetch(el.getAttribute("data-boundaries"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        L.geoJSON(data, {
          style: { color: "#8a8a8a", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1 },
          interactive: false
        }).addTo(map).bringToBack();
      })
      .catch(function () { /* the points are shown without the outline */ });
  }

  /* Quantile breaks: five classes holding about the same number of areas, so
   * one very large value (North Hamgyong) does not wash out the rest. */
  function breaks(values) {
    var sorted = values.filter(function (v) { return v !== null && v !== undefined; })
      .sort(function (a, b) { return a - b; });
    if (!sorted.length) return [];
    var out = [];
    for (var i = 1; i < PALETTE.length; i++) {
      var b = sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / PALETTE.length))];
      if (!out.length || b > out[out.length - 1]) out.push(b);
    }
    return out;
  }

  function colour(value, limits) {
    if (value === null || value === undefined) return NO_DATA;
    var i = 0;
    while (i < limits.length && value >= limits[i]) i++;
    var offset = PALETTE.length - 1 - limits.length;
    return PALETTE[Math.min(PALETTE.length - 1, i + offset)];
  }

  /* The colour key, built as elements: a swatch's colour is set through the
   * CSSOM (element.style), which the site's Content-Security-Policy allows, where
   * a style="" attribute written as markup is refused and the key comes out empty. */
  function legend(container, limits, values, el, title) {
    if (!container) return;
    var shown = values.filter(function (v) { return v !== null && v !== undefined; });
    var max = Math.max.apply(null, shown);
    var lower = Math.min.apply(null, shown);
    var edges = [lower].concat(limits);
    var heading = document.createElement("p");
    heading.className = "legend-title";
    heading.textContent = title;
    var list = document.createElement("ul");
    function row(background, label) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = background;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(label));
      list.appendChild(item);
    }
    for (var i = 0; i < edges.length; i++) {
      var from = edges[i];
      var to = i + 1 < edges.length ? edges[i + 1] - 1 : max;
      row(colour(edges[i], limits), from >= to ? number(from) : number(from) + "\u2013" + number(to));
    }
    row(NO_DATA, text(el, "no-figure"));
    container.replaceChildren(heading, list);
  }

  /* Make a vector layer reachable from the keyboard: Tab to it, Enter or Space to
   * select it; focus highlights it like the mouse does. */
  function focusable(layer, label, onSelect, onFocus, onBlur) {
    var path = layer.getElement && layer.getElement();
    if (!path) return;
    path.setAttribute("tabindex", "0");
    path.setAttribute("role", "button");
    path.setAttribute("aria-label", label);
    path.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        onSelect();
      }
    });
    if (onFocus) path.addEventListener("focus", onFocus);
    if (onBlur) path.addEventListener("blur", onBlur);
  }

  /* Draw a highlighted layer on top, unless it has the keyboard focus: moving a
   * focused element in the DOM would drop the focus. */
  function raise(layer) {
    var path = layer.getElement && layer.getElement();
    if (path && document.activeElement !== path) layer.bringToFront();
  }

  function load(el) {
    el.setAttribute("aria-busy", "true");
    // The API answers in the page's language (country names, titles, caveats), not the browser's.
    var headers = { Accept: "application/json", "Accept-Language": document.documentElement.lang || "en" };
    return fetch(el.getAttribute("data-src"), { headers: headers, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        el.removeAttribute("aria-busy");
        return data;
      })
      .catch(function (error) {
        el.removeAttribute("aria-busy");
        el.innerHTML = "<p class=\"map-error\">" + escapeHtml(text(el, "failed")) + "</p>";
        throw error;
      });
  }

  function sourceLine(el, dataset) {
    return "<p class=\"source-line\">" + escapeHtml(text(el, "source")) + " " + escapeHtml(dataset.publisher) +
      ", <cite>" + escapeHtml(dataset.title) + "</cite>, " + escapeHtml(dataset.edition) + ".</p>";
  }

  window.NKDBMaps = {
    text: text,
    number: number,
    escapeHtml: escapeHtml,
    createMap: createMap,
    addOutline: addOutline,
    breaks: breaks,
    colour: colour,
    legend: legend,
    focusable: focusable,
    raise: raise,
    load: load,
    sourceLine: sourceLine,
    NO_DATA: NO_DATA
  };
})();

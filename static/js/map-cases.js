/* Case map: published events and facilities. The server clusters when many
 * events are in view (grid clusters, drawn like leaflet.markercluster's own) and
 * sends single events when few are; single events go into a MarkerClusterGroup so
 * that events sharing a point spread out when selected. Data: /api/cases/markers/. */
(function () {
  "use strict";
  var M = window.NKDBMaps;

  function fmt(template, n) { return template.replace("%(n)s", M.number(n)); }

  function clusterIcon(count) {
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    return L.divIcon({
      html: "<div><span>" + M.number(count) + "</span></div>",
      className: "marker-cluster marker-cluster-" + size + " server-cluster",
      iconSize: L.point(40, 40)
    });
  }

  function pointIcon(props) {
    var cls = "case-point" + (props.kind === "facility" ? " facility" : "") +
      (props.kind === "event" && props.precision !== "exact" && props.precision !== "approximate" && props.precision !== "locality" ? " coarse" : "");
    return L.divIcon({ html: "", className: cls, iconSize: L.point(14, 14) });
  }

  /* The API's addresses are the English pages': a Korean map links to the
   * Korean ones (the address decides a page's language). */
  function localized(el, url) {
    var prefix = el.getAttribute("data-language-prefix") || "";
    if (!prefix || url.charAt(0) !== "/" || url.indexOf(prefix + "/") === 0) return url;
    return prefix + url;
  }

  function popup(el, props) {
    var html = "<p><strong>" + M.escapeHtml(props.title) + "</strong>";
    if (props.synthetic) html += " <span class=\"synthetic-badge\">" + M.escapeHtml(M.text(el, "synthetic")) + "</span>";
    html += "<br>" + M.escapeHtml(props.code);
    if (props.period) html += " \u00b7 " + M.escapeHtml(props.period);
    if (props.facility_kind) html += "<br>" + M.escapeHtml(props.facility_kind);
    html += "</p><p class=\"note\">" + M.escapeHtml(M.text(el, "precision")) + " " + M.escapeHtml(props.precision_display);
    if (props.coarsened) html += "<br>" + M.escapeHtml(M.text(el, "coarsened"));
    html += "</p><p><a class=\"case-link\" href=\"" + M.escapeHtml(localized(el, props.url)) + "\">" +
      M.escapeHtml(M.text(el, props.kind === "facility" ? "search" : "open")) + "</a>";
    if (props.page_url) html += "<br><a class=\"case-link\" href=\"" + M.escapeHtml(localized(el, props.page_url)) + "\">" + M.escapeHtml(M.text(el, "facility")) + "</a>";
    html += "</p>";
    return html;
  }

  function init() {
    var el = document.querySelector(".map[data-kind='cases']");
    if (!el) return;
    var form = document.getElementById(el.getAttribute("data-form"));
    var status = document.getElementById(el.getAttribute("data-status"));
    var map = M.createMap(el, { minZoom: 3, maxZoom: 14 });
    map.setView([40.3, 127.3], 6);

    M.addOutline(map, el);

    var clusters = L.layerGroup().addTo(map);
    var points = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 }).addTo(map);
    var request = 0;

    function params() {
      var query = new URLSearchParams(new FormData(form));
      Array.from(query.keys()).forEach(function (key) { if (!query.get(key)) query.delete(key); });
      var b = map.getBounds();
      query.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(4); }).join(","));
      query.set("zoom", String(Math.round(map.getZoom())));
      return query;
    }

    function refresh() {
      var mine = ++request;
      var query = params();
      el.setAttribute("aria-busy", "true");
      fetch(el.getAttribute("data-src") + "?" + query.toString(), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          if (mine !== request) return;
          clusters.clearLayers();
          points.clearLayers();
          data.features.forEach(function (f) {
            var c = f.geometry.coordinates;
            var p = f.properties;
            if (p.kind === "cluster") {
              var m = L.marker([c[1], c[0]], { icon: clusterIcon(p.count), keyboard: true, title: fmt(M.text(el, "events"), p.count) });
              m.on("click", function () { map.setView([c[1], c[0]], Math.min(map.getZoom() + 2, 14)); });
              clusters.addLayer(m);
            } else {
              var marker = L.marker([c[1], c[0]], { icon: pointIcon(p), keyboard: true, title: p.title });
              marker.bindPopup(popup(el, p));
              points.addLayer(marker);
            }
          });
          var text = fmt(M.text(el, data.mode === "clusters" ? "clusters" : "events"), data.total);
          if (data.unmapped) text += " " + fmt(M.text(el, "unmapped"), data.unmapped);
          status.textContent = text;
          el.setAttribute("data-mode", data.mode);
          el.setAttribute("data-ready", "true");
          el.removeAttribute("aria-busy");
        })
        .catch(function () {
          el.removeAttribute("aria-busy");
          status.textContent = M.text(el, "failed");
        });
    }

    var timer = null;
    map.on("moveend", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = new URLSearchParams(new FormData(form));
      Array.from(query.keys()).forEach(function (key) { if (!query.get(key)) query.delete(key); });
      history.replaceState(null, "", "?" + query.toString());
      // The link to the case search follows the filters chosen here.
      var link = document.getElementById("case-map-search");
      if (link) link.href = link.getAttribute("data-base") + (query.toString() ? "?" + query.toString() : "");
      refresh();
    });
    refresh();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

/* A facility's page: a small map with its point, at the precision it is
 * published to, over the site's own boundaries (no tiles unless the operator
 * sets MAP_TILE_URL: no request leaves the site). */
(function () {
  "use strict";
  var M = window.NKDBMaps;

  function init() {
    var el = document.querySelector(".map[data-kind='facility']");
    if (!el) return;
    var point = [Number(el.getAttribute("data-latitude")), Number(el.getAttribute("data-longitude"))];
    var map = M.createMap(el, { minZoom: 4, maxZoom: 12, scrollWheelZoom: false });
    map.setView(point, Number(el.getAttribute("data-zoom")) || 7);
    M.addOutline(map, el);
    var icon = L.divIcon({ html: "", className: "case-point facility", iconSize: L.point(14, 14) });
    L.marker(point, { icon: icon, keyboard: false, title: el.getAttribute("data-title") }).addTo(map);
    el.setAttribute("data-ready", "true");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

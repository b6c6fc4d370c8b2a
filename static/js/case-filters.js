/* The search's filters are a <details>, closed in the page so that a phone shows
 * the results first (and without JavaScript, one tap opens them). On a wide
 * screen, where they stand beside the results, they are opened on load. */
(function () {
  "use strict";
  function init() {
    if (!window.matchMedia("(min-width: 48.0625rem)").matches) return;
    document.querySelectorAll("details.case-filters").forEach(function (details) {
      details.open = true;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

// A reader whose browser prefers Korean, on an English page, is offered the same
// page in Korean, once: the address decides a page's language (so that every
// address is one cached page), the browser's preference only prompts this hint.
(function () {
  "use strict";
  var hint = document.getElementById("language-hint");
  if (!hint) return;
  var chosen = document.cookie.split("; ").some(function (c) { return c.indexOf("django_language=") === 0; });
  var dismissed = false;
  try { dismissed = window.localStorage.getItem("nkdb-language-hint") === "dismissed"; } catch (e) { /* storage off */ }
  var preferred = (navigator.languages && navigator.languages[0]) || navigator.language || "";
  if (chosen || dismissed || preferred.toLowerCase().indexOf("ko") !== 0) return;
  hint.hidden = false;
  hint.querySelector("button").addEventListener("click", function () {
    hint.hidden = true;
    try { window.localStorage.setItem("nkdb-language-hint", "dismissed"); } catch (e) { /* storage off */ }
  });
})();

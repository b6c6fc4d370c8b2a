// A reader whose browser prefers Korean or Japanese, on an English page, is offered
// the same page in that language, once: the address decides a page's language (so
// that every address is one cached page), the browser's preference only prompts
// this hint.
(function () {
  "use strict";
  var preferred = (navigator.languages && navigator.languages[0]) || navigator.language || "";
  var hint = document.querySelector('.language-hint[data-language="' + preferred.toLowerCase().slice(0, 2) + '"]');
  if (!hint) return;
  var chosen = document.cookie.split("; ").some(function (c) { return c.indexOf("django_language=") === 0; });
  var dismissed = false;
  try { dismissed = window.localStorage.getItem("nkdb-language-hint") === "dismissed"; } catch (e) { /* storage off */ }
  if (chosen || dismissed) return;
  hint.hidden = false;
  hint.querySelector("button").addEventListener("click", function () {
    hint.hidden = true;
    try { window.localStorage.setItem("nkdb-language-hint", "dismissed"); } catch (e) { /* storage off */ }
  });
})();

// The review box under a record's form posts forms of its own: what was typed into
// the record's form and not saved would be left behind without a word. Asked first.
(function () {
  "use strict";
  var box = document.getElementById("workflow");
  var record = document.querySelector("#content-main form[id$='_form']");
  if (!box || !record) return;
  var changed = false;
  record.addEventListener("input", function () { changed = true; });
  record.addEventListener("change", function () { changed = true; });
  box.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (changed && !window.confirm(box.getAttribute("data-unsaved"))) event.preventDefault();
    });
  });
})();

// The testimony intake page (templates/admin/cases/testimony_intake.html): "Add
// another" copies a formset's empty row (Django's empty_form), numbers it, and
// tells the admin's autocomplete (formset:added) to set up its fields.
"use strict";

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-row]");
  if (!button) {
    return;
  }
  const prefix = button.dataset.addRow;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const index = Number(total.value);
  const holder = document.createElement("div");
  holder.innerHTML = document
    .getElementById(`${prefix}-empty`)
    .innerHTML.replaceAll("__prefix__", String(index))
    .replaceAll("__number__", String(index + 1));
  const row = holder.firstElementChild;
  document.getElementById(`${prefix}-rows`).appendChild(row);
  total.value = String(index + 1);
  row.dispatchEvent(new CustomEvent("formset:added", { bubbles: true, detail: { formsetName: prefix } }));
  const first = row.querySelector("input:not([type=hidden]), select, textarea");
  if (first) {
    first.focus();
  }
});

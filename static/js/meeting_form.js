/* The meeting form's "Add another follow-up": copies the empty row of the formset. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-followup]");
    if (!button) return;
    var form = button.closest("form");
    var total = form.querySelector("input[name=followups-TOTAL_FORMS]");
    var index = parseInt(total.value, 10);
    var template = document.getElementById("followup-template");
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    form.querySelector("[data-followup-rows]").append(row);
    total.value = String(index + 1);
    var title = row.querySelector("input[type=text]");
    if (title) title.focus();
  });
})();

// A search box above each <select multiple data-searchable>: typing hides the
// options that do not match (Latin or native script); chosen options stay
// visible and are listed under the box. Without JavaScript the plain
// multi-select still works.
(function () {
  "use strict";
  function normalise(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function enhance(select) {
    var search = document.createElement("input");
    search.type = "search";
    search.className = "form-control form-control-sm mb-1";
    search.placeholder = "Search organisations (e.g. Take or 武田)";
    search.setAttribute("aria-label", "Search " + (select.getAttribute("data-searchable") || "options"));
    search.setAttribute("aria-controls", select.id);
    var chosen = document.createElement("div");
    chosen.className = "small text-body-secondary mt-1";
    chosen.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(search, select);
    select.parentNode.insertBefore(chosen, select.nextSibling);
    function showChosen() {
      var names = Array.prototype.filter.call(select.options, function (o) { return o.selected; })
        .map(function (o) { return o.text; });
      chosen.textContent = names.length ? "Chosen: " + names.join(" · ") : "None chosen yet.";
    }
    search.addEventListener("input", function () {
      var q = normalise(search.value.trim());
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = !!q && !option.selected && normalise(option.text).indexOf(q) === -1;
      });
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    // A plain click toggles one option instead of replacing the whole choice.
    select.addEventListener("mousedown", function (event) {
      var option = event.target;
      if (option.tagName !== "OPTION") { return; }
      event.preventDefault();
      option.selected = !option.selected;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      select.focus();
    });
    select.addEventListener("change", showChosen);
    showChosen();
  }
  document.querySelectorAll("select[multiple][data-searchable]").forEach(enhance);
})();

// Search-as-you-type for long selects (organisations, people, time zones, countries).
// Without JavaScript the plain <select> still works; Tom Select is vendored (no CDN).
(function () {
  "use strict";

  function enhance(root) {
    if (typeof TomSelect === "undefined") return;
    root.querySelectorAll("select[data-searchable]").forEach(function (select) {
      if (select.tomselect) return;
      var multiple = select.multiple;
      new TomSelect(select, {
        plugins: multiple ? ["remove_button"] : [],
        maxOptions: 200,
        // The options are all in the page: filter at once. With the default delay a
        // choice made quickly after typing is followed by the list opening again.
        refreshThrottle: 0,
        allowEmptyOption: !multiple,
        hideSelected: multiple,
        closeAfterSelect: !multiple,
        placeholder: multiple ? "Type to search…" : undefined,
      });
    });
  }

  // "Someone we already know" / "A new person": show only the part that applies.
  function toggleDelegateForm(root) {
    root.querySelectorAll("form[data-delegate-add]").forEach(function (form) {
      function apply() {
        var checked = form.querySelector("input[name=who]:checked");
        var who = checked ? checked.value : "existing";
        form.querySelectorAll("[data-when]").forEach(function (part) {
          part.hidden = part.getAttribute("data-when") !== who;
        });
      }
      form.querySelectorAll("input[name=who]").forEach(function (radio) {
        radio.addEventListener("change", apply);
      });
      apply();
    });
  }

  function init() {
    enhance(document);
    toggleDelegateForm(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

/* Counterpart pickers (templates/contacts/lookup/typeahead.html): results arrive by htmx;
   this file lets the user pick one by tap, click or keyboard, shows it as a removable chip
   (a hidden input the form submits), and adds records created inline. */
(function () {
  "use strict";

  function options(box) {
    return Array.from(box.querySelectorAll(".typeahead-results [role=option]"));
  }

  function setActive(box, index) {
    var input = box.querySelector("input[role=combobox]");
    var opts = options(box);
    opts.forEach(function (opt, i) {
      var on = i === index;
      opt.classList.toggle("active", on);
      opt.setAttribute("aria-selected", on ? "true" : "false");
      if (on) {
        input.setAttribute("aria-activedescendant", opt.id);
        opt.scrollIntoView({ block: "nearest" });
      }
    });
    if (index < 0) input.removeAttribute("aria-activedescendant");
    box.dataset.active = String(index);
  }

  function close(box) {
    var results = box.querySelector(".typeahead-results");
    results.innerHTML = "";
    box.querySelector("input[role=combobox]").setAttribute("aria-expanded", "false");
    setActive(box, -1);
  }

  function addChip(box, id, label) {
    var chips = box.querySelector("[data-chips]");
    var field = box.dataset.field;
    if (chips.querySelector('[data-id="' + id + '"]')) return;
    if (box.dataset.multiple !== "1") chips.innerHTML = "";
    var li = document.createElement("li");
    li.className = "chip";
    li.dataset.id = id;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = field;
    input.value = id;
    var text = document.createElement("span");
    text.textContent = label;
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn-close btn-close-sm";
    remove.setAttribute("aria-label", "Remove " + label);
    remove.dataset.remove = "";
    li.append(input, text, remove);
    chips.append(li);
  }

  function pick(box, opt) {
    if (opt.hasAttribute("data-create")) {
      var link = opt.querySelector("a");
      if (link) link.click(); // htmx loads the create form; the results close when it arrives
      return;
    }
    addChip(box, opt.dataset.id, opt.dataset.label);
    var input = box.querySelector("input[role=combobox]");
    input.value = "";
    close(box);
    input.focus();
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-typeahead] input[role=combobox]")) return;
    var box = input.closest("[data-typeahead]");
    var opts = options(box);
    var active = parseInt(box.dataset.active || "-1", 10);
    if (event.key === "ArrowDown" && opts.length) {
      event.preventDefault();
      setActive(box, Math.min(active + 1, opts.length - 1));
    } else if (event.key === "ArrowUp" && opts.length) {
      event.preventDefault();
      setActive(box, Math.max(active - 1, 0));
    } else if (event.key === "Enter") {
      // Enter in a search box never submits the meeting form.
      event.preventDefault();
      if (active >= 0 && opts[active]) pick(box, opts[active]);
      else if (opts.length === 1 || (opts.length === 2 && opts[1].hasAttribute("data-create"))) pick(box, opts[0]);
    } else if (event.key === "Escape") {
      close(box);
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    var remove = target.closest("[data-remove]");
    if (remove) {
      var box = remove.closest("[data-typeahead]");
      remove.closest(".chip").remove();
      box.querySelector("input[role=combobox]").focus();
      return;
    }
    var cancel = target.closest("[data-cancel-create]");
    if (cancel) {
      cancel.closest(".inline-create").innerHTML = "";
      return;
    }
    var opt = target.closest(".typeahead-results [role=option]");
    if (opt && !target.closest("a")) pick(opt.closest("[data-typeahead]"), opt);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var results = event.detail.target;
    if (results.classList && results.classList.contains("inline-create")) {
      var owner = results.closest("[data-typeahead]");
      if (owner) close(owner);
      var first = results.querySelector("input:not([type=hidden]), select");
      if (first && !results.querySelector(".alert-success")) first.focus();
      return;
    }
    if (!results.classList || !results.classList.contains("typeahead-results")) return;
    var box = results.closest("[data-typeahead]");
    var expanded = options(box).length > 0;
    box.querySelector("input[role=combobox]").setAttribute("aria-expanded", expanded ? "true" : "false");
    setActive(box, -1);
  });

  // A counterpart created inline (HX-Trigger "crm:picked") joins its field at once.
  document.body.addEventListener("crm:picked", function (event) {
    var detail = event.detail || {};
    var box = document.querySelector('[data-typeahead][data-field="' + detail.field + '"]');
    if (box) {
      addChip(box, String(detail.id), detail.label);
      box.querySelector("input[role=combobox]").value = "";
    }
  });
})();

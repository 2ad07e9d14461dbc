// The type-ahead picker: organisations (branches.forms.OrganisationSelect) and activities
// (resources.forms.ActivitySelect, ActivitySelectMultiple).
//
// A select marked data-org-picker (or data-picker) holds only its empty option and the chosen
// records; its attribute is the URL that searches what the field accepts (branches.views.PickView,
// activities.views.ActivityPickView). data-picker-none and data-picker-hint word the picker for
// what it picks. The select stays in the form, hidden, and is what gets submitted: this script
// only puts the chosen records into it. A multiple select keeps every chosen record, shown as
// a removable badge above the search box.
(function () {
  "use strict";

  var DELAY_MS = 200;
  var counter = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function chosenOption(select) {
    var option = select.options[select.selectedIndex];
    return option && option.value ? option : null;
  }

  function emptyOption(select) {
    for (var i = 0; i < select.options.length; i++) {
      if (!select.options[i].value) { return select.options[i]; }
    }
    return null;
  }

  function enhance(select) {
    var url = select.getAttribute("data-org-picker") || select.getAttribute("data-picker");
    var noneText = select.getAttribute("data-picker-none") || "没有匹配的组织";
    var hint = select.getAttribute("data-picker-hint") || "输入组织名称搜索";
    var multiple = select.multiple;
    var chips = multiple ? el("div", "org-picker-chosen d-flex flex-wrap gap-1 mb-1") : null;
    var listId = "org-picker-list-" + (++counter);
    var wrapper = el("div", "org-picker position-relative");
    var input = el("input", select.className.replace("form-select", "form-control"));
    var list = el("ul", "org-picker-list list-group position-absolute w-100 shadow-sm d-none");
    var empty = emptyOption(select);
    var timer = null;
    var request = 0;
    var items = [];
    var active = -1;

    input.type = "search";
    input.autocomplete = "off";
    input.placeholder = empty ? empty.textContent + "（输入名称搜索）" : hint;
    input.disabled = select.disabled;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    list.id = listId;
    list.setAttribute("role", "listbox");
    if (select.id) {
      // The labels name the box the user types in: a label left on the hidden select names a
      // control nobody can reach (and fails HTML validation of the page as it stands).
      input.id = select.id + "_search";
      Array.prototype.slice.call(select.labels || []).forEach(function (label) {
        if (label.htmlFor === select.id) { label.htmlFor = input.id; }
      });
    }
    if (select.getAttribute("aria-describedby")) {
      input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
    }
    if (select.classList.contains("is-invalid")) { input.classList.add("is-invalid"); }

    function shownText() {
      if (multiple) { return ""; }
      var option = chosenOption(select);
      return option ? option.textContent.trim() : "";
    }

    function close() {
      list.classList.add("d-none");
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      items.forEach(function (item, i) { item.node.classList.toggle("active", i === index); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].node.id);
        items[index].node.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function showChosen() {
      chips.textContent = "";
      Array.prototype.slice.call(select.options).forEach(function (option) {
        if (!option.value || !option.selected) { return; }
        var chip = el("span", "badge text-bg-light border d-inline-flex align-items-center", option.textContent.trim());
        var remove = el("button", "btn-close ms-1");
        remove.type = "button";
        remove.style.fontSize = "0.6em";
        remove.setAttribute("aria-label", "移除 " + option.textContent.trim());
        remove.addEventListener("click", function () {
          option.remove();
          showChosen();
          select.dispatchEvent(new Event("change", { bubbles: true }));
        });
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
    }

    function add(result) {
      var id = String(result.id);
      var existing = Array.prototype.slice.call(select.options).filter(function (o) { return o.value === id; });
      if (existing.length) {
        existing[0].selected = true;
      } else {
        // Written as the server writes a chosen record: its name, then where it belongs.
        var label = result.parent ? result.name + "（" + result.parent + "）" : result.name;
        select.add(new Option(label, id, true, true));
      }
      input.value = "";
      showChosen();
      close();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function choose(result) {
      if (multiple) {
        if (result) { add(result); } else { input.value = ""; close(); }
        return;
      }
      Array.prototype.slice.call(select.options).forEach(function (option) {
        if (option.value) { option.remove(); }
      });
      if (result) {
        select.add(new Option(result.name, String(result.id), true, true));
      } else if (empty) {
        empty.selected = true;
      }
      input.value = shownText();
      close();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function note(text) {
      list.appendChild(el("li", "list-group-item small text-muted", text));
    }

    function show(data) {
      list.textContent = "";
      items = [];
      if (empty) {
        var clear = { name: null, id: null, node: el("li", "list-group-item list-group-item-action text-muted", empty.textContent) };
        items.push(clear);
      }
      data.results.forEach(function (result) {
        var node = el("li", "list-group-item list-group-item-action", result.name);
        if (result.parent) { node.appendChild(el("small", "text-muted ms-2", result.parent)); }
        items.push({ name: result.name, id: result.id, parent: result.parent, node: node });
      });
      items.forEach(function (item, i) {
        item.node.id = listId + "-" + i;
        item.node.setAttribute("role", "option");
        item.node.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the input
          choose(item.id === null ? null : item);
        });
        list.appendChild(item.node);
      });
      if (!data.results.length) { note(noneText); }
      if (data.more) { note("只列出前 " + data.results.length + " 个，请输入更多文字缩小范围"); }
      list.classList.remove("d-none");
      input.setAttribute("aria-expanded", "true");
      highlight(-1);
    }

    function search() {
      var mine = ++request;
      var query = input.value.trim();
      fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (data) { if (mine === request) { show(data); } })
        .catch(function () {
          if (mine !== request) { return; }
          list.textContent = "";
          items = [];
          note("搜索失败，请稍后重试");
          list.classList.remove("d-none");
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });
    input.addEventListener("focus", function () {
      if (list.classList.contains("d-none")) { search(); }
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.classList.contains("d-none");
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!open) { search(); return; }
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight(Math.max(0, Math.min(items.length - 1, active + step)));
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault(); // choose, do not submit the form
        choose(items[active].id === null ? null : items[active]);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        input.value = shownText();
        close();
      }
    });
    input.addEventListener("blur", function () {
      clearTimeout(timer);
      request++;
      // Typed text that was not chosen changes nothing; an emptied box clears the choice.
      if (!input.value.trim() && chosenOption(select) && empty) {
        choose(null);
      } else {
        input.value = shownText();
        close();
      }
    });

    input.value = shownText();
    select.classList.add("d-none");
    select.tabIndex = -1;
    select.parentNode.insertBefore(wrapper, select);
    if (chips) {
      wrapper.appendChild(chips);
      showChosen();
    }
    wrapper.appendChild(input);
    wrapper.appendChild(list);
    wrapper.appendChild(select);
  }

  document.querySelectorAll("select[data-org-picker], select[data-picker]").forEach(enhance);
})();

// The dimension follows the kind's default until the secretary picks one by hand.
(function () {
  "use strict";
  var kind = document.getElementById("id_kind");
  var dimension = document.getElementById("id_dimension");
  if (!kind || !dimension) { return; }
  var defaults = JSON.parse(kind.getAttribute("data-default-dimensions") || "{}");
  var chosenByHand = dimension.value !== "" && dimension.value !== defaults[kind.value];
  dimension.addEventListener("change", function () { chosenByHand = dimension.value !== ""; });
  kind.addEventListener("change", function () {
    if (!chosenByHand && defaults[kind.value]) { dimension.value = defaults[kind.value]; }
  });
})();

// Attendance: filter the roster by name, select the shown ones, count the picks. The
// participants figure follows the count until the secretary types a figure of their own
// (the server still decides: it fills an empty figure and refuses one below the count).
(function () {
  "use strict";
  var form = document.getElementById("activity-form");
  if (!form || !form.querySelector("[data-roster-picker]")) { return; }
  var participants = document.getElementById("id_participants");
  var organisation = document.getElementById("id_organisation");

  function picker() { return form.querySelector("[data-roster-picker]"); }
  function boxes(p) { return Array.prototype.slice.call(p.querySelectorAll(".roster-list input[type=checkbox]")); }
  function picked(p) { return boxes(p).filter(function (b) { return b.checked; }); }

  var typed = participants && participants.value !== "" && participants.value !== String(picked(picker()).length);
  if (participants) {
    participants.addEventListener("input", function () { typed = participants.value !== ""; });
  }

  function update(p) {
    var count = picked(p).length;
    p.querySelector("[data-roster-count]").textContent = String(count);
    if (participants && !typed) { participants.value = count ? String(count) : ""; }
  }

  function shown(p) {
    return boxes(p).filter(function (b) { return !b.closest(".roster-item").hidden; });
  }

  function wire(p) {
    var filter = p.querySelector(".roster-filter");
    var none = p.querySelector(".roster-none");
    p.querySelector(".roster-tools").hidden = false;
    filter.addEventListener("input", function () {
      var query = filter.value.trim().toLowerCase();
      var matches = 0;
      boxes(p).forEach(function (box) {
        var item = box.closest(".roster-item");
        var match = !query || item.textContent.toLowerCase().indexOf(query) !== -1;
        item.hidden = !match;
        if (match) { matches += 1; }
      });
      none.hidden = matches !== 0 || boxes(p).length === 0;
    });
    // Enter in the filter box narrows the list; it must not submit the form.
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    p.querySelector(".roster-select-all").addEventListener("click", function () {
      shown(p).forEach(function (box) { box.checked = true; });
      update(p);
    });
    p.querySelector(".roster-clear").addEventListener("click", function () {
      shown(p).forEach(function (box) { box.checked = false; });
      update(p);
    });
    p.addEventListener("change", function (event) {
      if (event.target.matches(".roster-list input[type=checkbox]")) { update(p); }
    });
  }

  wire(picker());

  // Another organisation, another roster: picks still on it stay picked.
  if (organisation) {
    organisation.addEventListener("change", function () {
      var current = picker();
      var keep = picked(current).map(function (b) { return b.value; });
      if (!organisation.value) { return; }
      var url = current.getAttribute("data-roster-url") + "?organisation=" + encodeURIComponent(organisation.value);
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          var holder = document.createElement("div");
          holder.innerHTML = html;
          var fresh = holder.querySelector("[data-roster-picker]");
          boxes(fresh).forEach(function (box) { box.checked = keep.indexOf(box.value) !== -1; });
          current.replaceWith(fresh);
          wire(fresh);
          update(fresh);
        })
        .catch(function () { /* the old list stays; the server checks the picks on saving */ });
    });
  }
})();

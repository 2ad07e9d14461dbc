// Member pages: keep ID numbers out of URLs, and tick all rows at once on the ageing-out list.
(function () {
  "use strict";
  var ID_SHAPE = /^\s*\d{17}[\dxX]\s*$/;

  // Someone typing an ID number into the name search would put it into the URL (and the
  // server's access log): send it through the POST lookup instead.
  var filter = document.getElementById("member-filter");
  var finder = document.getElementById("find-by-id");
  if (filter && finder) {
    filter.addEventListener("submit", function (event) {
      var q = filter.querySelector("[name=q]");
      if (q && ID_SHAPE.test(q.value)) {
        event.preventDefault();
        finder.querySelector("[name=id_number]").value = q.value.trim();
        q.value = "";
        finder.submit();
      }
    });
  }

  var all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll("input[name=member]").forEach(function (box) { box.checked = all.checked; });
    });
  }
})();

// "Select all" for the review queue's page of records.
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  if (!all) { return; }
  all.addEventListener("change", function () {
    document.querySelectorAll("input.review-pick").forEach(function (box) { box.checked = all.checked; });
  });
})();

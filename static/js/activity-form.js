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

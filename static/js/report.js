// Report page: poll the background job while it runs; apply a figure style when it changes.
(function () {
  "use strict";
  document.querySelectorAll(".style-form select").forEach(function (select) {
    var button = select.form.querySelector(".style-apply");
    if (button) button.hidden = true;
    select.addEventListener("change", function () { select.form.submit(); });
  });
  var box = document.getElementById("report-job");
  if (!box || box.dataset.running !== "1") return;
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        document.getElementById("report-job-status").textContent = job.status_display;
        if (job.running) { window.setTimeout(poll, 1500); return; }
        window.location.reload();
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();

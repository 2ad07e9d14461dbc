// An import page (core/_import_job.html): while the task checks or writes the file, show the rows read and
// reload when it has finished (or its worker stopped, to offer the retry).
(function () {
  "use strict";
  var box = document.getElementById("import-job");
  if (!box || box.dataset.working !== "1") return;
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        if (!job.working || job.stalled) { window.location.reload(); return; }
        document.getElementById("import-progress").textContent = job.progress;
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();

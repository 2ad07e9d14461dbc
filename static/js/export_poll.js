// Polls an export job's status until it finishes, then offers the download.
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box) return;
  var bar = document.getElementById("export-bar");
  function setBar(percent) {
    bar.style.width = (percent || 0) + "%";
    bar.parentElement.setAttribute("aria-valuenow", percent || 0);
  }
  setBar(parseInt(bar.dataset.percent, 10));
  if (box.dataset.finished === "1" || box.dataset.stalled === "1") return;
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        document.getElementById("export-status").textContent = job.status_display;
        document.getElementById("export-progress").textContent =
          "已写入 " + job.progress + " 行" + (job.total ? "，共约 " + job.total + " 行" : "");
        setBar(job.percent);
        if (job.error) {
          var error = document.getElementById("export-error");
          error.hidden = false;
          error.querySelector("span").textContent = job.error;
        }
        if (job.finished) {
          bar.classList.remove("progress-bar-animated", "progress-bar-striped");
          if (job.download_url) document.getElementById("export-download").hidden = false;
          if (job.status === "failed") window.location.reload();
          return;
        }
        // Its worker stopped: the page reloads to offer the retry.
        if (job.stalled) { window.location.reload(); return; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();

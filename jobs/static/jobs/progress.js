// Follows a job on its admin page: polls its JSON status, moves the progress bar, reloads when the job ends.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.status === "done" || box.dataset.status === "failed") { return; }
  var bar = document.getElementById("job-progress");
  var count = document.getElementById("job-count");
  var status = document.getElementById("job-status");
  var stage = document.getElementById("job-stage");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (job) {
        if (job.finished) { window.location.reload(); return; }
        box.dataset.status = job.status;
        status.textContent = job.status;
        stage.textContent = job.stage ? " — " + job.stage : "";
        if (job.total) {
          bar.max = job.total;
          bar.value = job.done;
          count.textContent = job.done.toLocaleString() + " / " + job.total.toLocaleString() + " (" + job.percent + "%)";
        }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());

/* The progress of a running import (templates/onboarding/import_detail.html): polled every second;
   the page reloads when the import is finished. These polls do not count as the agent's activity
   (the view is marked with shared.accounts.session_guard.passive). */
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) {
    return;
  }
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (progress) {
        if (progress.finished) {
          window.location.reload();
          return;
        }
        box.querySelector("progress").value = progress.percent;
        ["phase_label", "percent", "done", "total", "estimate"].forEach(function (key) {
          var field = box.querySelector('[data-field="' + key + '"]');
          if (field && progress[key] !== null && progress[key] !== undefined) {
            field.textContent = progress[key];
          }
        });
        setTimeout(poll, 1000);
      })
      .catch(function () {
        /* Signed out or offline: the page stays as it is; a reload shows where things are. */
      });
  }
  setTimeout(poll, 1000);
})();

// Follows a batch's progress: polls its JSON endpoint and reloads the page when it ends.
(function () {
  "use strict";
  document.querySelectorAll("[data-progress-url][data-live]").forEach(function (box) {
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-progress-text]");
    var state = box.querySelector("[data-progress-state]");
    function poll() {
      fetch(box.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          bar.max = data.total || 1;
          bar.value = data.done;
          text.textContent = data.done + " / " + data.total;
          state.textContent = data.state_label;
          if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 1000);
  });
})();

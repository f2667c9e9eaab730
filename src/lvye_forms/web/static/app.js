// Small helpers for the pages; every page also works without them (plain forms).
(function () {
  "use strict";

  function setupDrop() {
    var drop = document.getElementById("drop");
    var input = document.getElementById("file");
    var name = document.getElementById("file-name");
    var form = drop && drop.closest("form");
    var error = document.getElementById("client-error");
    if (!drop || !input || !form) return;
    var limit = parseInt(form.getAttribute("data-limit") || "0", 10);

    function tooLarge(file) {
      if (!limit || file.size <= limit) return false;
      // Checked here first: a browser may not show the server's answer to an upload it is
      // still sending.
      error.textContent = error.getAttribute("data-too-large").replace("%s", Math.round(limit / 1048576));
      error.classList.remove("hidden");
      return true;
    }
    function show() {
      var file = input.files && input.files[0];
      var size = file && (file.size < 1048576
        ? Math.max(1, Math.round(file.size / 1024)) + " KB"
        : (file.size / 1048576).toFixed(1) + " MB");
      name.textContent = file ? file.name + "（" + size + "）" : "";
      drop.classList.toggle("has-file", !!file);
      error.classList.add("hidden");
      if (file) tooLarge(file);
    }
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (type) {
      drop.addEventListener(type, function (event) {
        event.preventDefault();
        drop.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      drop.addEventListener(type, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        show();
      }
    });
    form.addEventListener("submit", function (event) {
      var file = input.files && input.files[0];
      if (file && tooLarge(file)) {
        event.preventDefault();
        return;
      }
      var button = document.getElementById("submit");
      if (button) {
        button.disabled = true;
        if (button.getAttribute("data-busy")) button.textContent = button.getAttribute("data-busy");
        button.classList.add("busy");
      }
    });
  }

  function setupProgress() {
    var card = document.getElementById("progress-card");
    if (!card) return;
    var url = card.getAttribute("data-status");
    var bar = document.getElementById("bar");
    var text = document.getElementById("progress-text");
    var pdf = !!document.getElementById("pdf-asked");
    function poll() {
      fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (state.state !== "running") {
            window.location.reload();
            return;
          }
          if (state.total > 0) {
            var share = Math.min(100, Math.round((100 * state.done) / state.total));
            bar.style.width = share + "%";
            text.textContent = state.done >= state.total && pdf
              ? text.getAttribute("data-pdf")
              : text.getAttribute("data-rows").replace("%d", state.done).replace("%d", state.total);
          }
          window.setTimeout(poll, 400);
        })
        .catch(function () { window.setTimeout(poll, 1500); });
    }
    poll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupDrop();
    setupProgress();
  });
})();

/* Small behaviours declared in the markup, so that no template needs an inline handler (the
   Content-Security-Policy refuses them):
   - <select data-auto-submit>: its form is sent when the choice changes;
   - <button data-print>: prints the page;
   - <input type="checkbox" data-enables="ID">: the element ID is enabled while it is checked. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("select[data-auto-submit]") && target.form) {
      target.form.submit();
    }
    if (target.matches("input[type=checkbox][data-enables]")) {
      var enabled = document.getElementById(target.dataset.enables);
      if (enabled) {
        enabled.disabled = !target.checked;
      }
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();

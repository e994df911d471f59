// The summary's print button. A static file, not an inline script, so the summary page keeps
// the policy that forbids inline scripts; the saved copy of the page has no button and no script.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();

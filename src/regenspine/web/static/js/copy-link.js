// The self-report link page's "Copy link" button. A static file, not an inline script, so the
// page keeps the policy that forbids inline scripts; without it the link stays plain text.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
    field.addEventListener("focus", function () {
      field.select();
    });
  });
  var status = document.querySelector("[data-copy-status]");
  function say(message) {
    if (status) {
      status.textContent = message;
    }
  }
  document.querySelectorAll("[data-copy-from]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-from"));
    if (!field || !navigator.clipboard) {
      return; // no Clipboard API (or not a secure context): the field is still there to copy
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () {
          say("Link copied.");
        },
        function () {
          field.focus();
          say("Could not copy: the link is selected, copy it with Ctrl+C or your phone's menu.");
        }
      );
    });
  });
})();

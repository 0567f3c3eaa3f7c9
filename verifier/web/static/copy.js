// "Copy link" buttons: shown only when scripts run; the link stays selectable without them.
"use strict";
document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
  var field = document.getElementById(button.getAttribute("data-copy"));
  var status = document.getElementById("copy-status");
  if (!field || !navigator.clipboard) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(function () {
      if (status) { status.textContent = "Link copied."; }
    }, function () {
      field.select();
      if (status) { status.textContent = "Press Ctrl+C (or Cmd+C) to copy the selected link."; }
    });
  });
});

// Submission page: the reviewer's return reason is kept in this browser while it is
// typed, so that an expired session (login, then back here) does not lose it; dropped
// once the report is no longer awaiting review (issue 15).
(function () {
  "use strict";
  var holder = document.querySelector("[data-return-key]");
  if (!holder) {
    return;
  }
  var key = holder.dataset.returnKey;
  var form = document.getElementById("return-form");
  var reason = form && form.querySelector("textarea[name='return-reason']");
  if (!reason) {
    window.localStorage.removeItem(key); // returned, approved or not sent: nothing to keep
    return;
  }
  var kept = window.localStorage.getItem(key);
  if (kept && !reason.value.trim()) {
    reason.value = kept;
    var notice = document.createElement("div");
    notice.className = "alert alert-info";
    notice.id = "reason-restored";
    notice.setAttribute("role", "status");
    notice.textContent = form.dataset.textRestored;
    form.insertBefore(notice, form.firstChild);
  }
  reason.addEventListener("input", function () {
    if (reason.value.trim()) {
      window.localStorage.setItem(key, reason.value);
    } else {
      window.localStorage.removeItem(key);
    }
  });
})();

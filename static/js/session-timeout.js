// Warns before the idle logout and lets the user stay logged in (WCAG 2.2.1, docs/security.md §7).
// An enhancement: without JavaScript the session still ends after the idle time.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-idle-seconds"), 10);
  var warnAt = parseInt(body.getAttribute("data-warn-seconds"), 10);
  var dialog = document.getElementById("sessie-waarschuwing");
  if (!idle || !warnAt || !dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var countdown = dialog.querySelector("[data-countdown]");
  var form = dialog.querySelector("form");
  var warnTimer, logoutTimer;

  function minutesText(seconds) {
    if (seconds >= 120) { return Math.round(seconds / 60) + " minuten"; }
    if (seconds >= 60) { return "1 minuut"; }
    return seconds + " seconden";
  }

  function start() {
    clearTimeout(warnTimer);
    clearTimeout(logoutTimer);
    warnTimer = setTimeout(function () {
      countdown.textContent = minutesText(idle - warnAt);
      dialog.showModal();
    }, warnAt * 1000);
    logoutTimer = setTimeout(function () {
      window.location.href = "/uitgelogd?reden=inactief";
    }, idle * 1000);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.ok) {
        dialog.close();
        start();
      } else {
        window.location.href = "/inloggen";
      }
    });
  });

  start();
})();

// After a refused submit the page opens with its error summary: give it the focus, so that
// keyboard and screen-reader users start at the list of what to correct (the GOV.UK pattern;
// WCAG 3.3.1). The summary carries tabindex="-1" for this (templates/partials/error_summary.html).
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();

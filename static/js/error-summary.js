/* metsinfo: a form sent back with problems opens at its error summary, with focus on it, so a
   screen reader reads the problems first and the keyboard starts from their links (as GOV.UK's
   error summary does). Without JavaScript the page still opens at the form (its #fragment). */
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (!summary) return;
  // After the browser's own jump to the #fragment, which would otherwise take the focus back.
  window.addEventListener("load", function () {
    window.setTimeout(function () { summary.focus(); }, 0);
  });
})();

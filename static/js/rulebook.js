/* Rulebook — progressive enhancement only; every page works without it. */
(function () {
  "use strict";
  // Research notes sit in closed <details>; open them for printing so they appear on paper.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (el) {
      el.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (el) { el.open = false; });
    opened = [];
  });
})();

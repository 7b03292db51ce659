/* Django's vendored Select2 draws its own search box for autocomplete fields, with no label: name it after the
 * field's own label so a screen reader says what it searches. Select2 redraws the box as choices change, so new
 * boxes are named as they appear. */
(function () {
  "use strict";

  function name(root) {
    root.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (box) {
      var container = box.closest(".select2-container");
      var select = container && container.previousElementSibling;
      var label = select && select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
      var text = label ? label.textContent.replace(/:\s*$/, "").trim() : "";
      box.setAttribute("aria-label", text ? "Search " + text : "Search the choices");
    });
  }

  function start() {
    name(document);
    new MutationObserver(function () { name(document); }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

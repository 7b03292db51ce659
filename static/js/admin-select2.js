/* Django's vendored Select2 draws its own search box for autocomplete fields, with no label: name it after the
 * field's own label so a screen reader says what it searches. Its "remove all" cross sits inside the list of
 * choices, where a list may hold only items: move it beside the list (its clicks are handled on the whole
 * selection, and Select2 finds it there to replace it). Select2 redraws both as choices change, so each new one is
 * seen to as it appears. */
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

  function unlist(root) {
    root.querySelectorAll("ul.select2-selection__rendered > .select2-selection__clear").forEach(function (cross) {
      cross.parentNode.parentNode.insertBefore(cross, cross.parentNode);
    });
  }

  function tidy() {
    name(document);
    unlist(document);
  }

  function start() {
    tidy();
    new MutationObserver(tidy).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

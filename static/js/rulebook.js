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

// Copy buttons in the cite panel: the text stays selectable without them.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    button.hidden = false;
    var idle = button.textContent;  // both words come from the page, in its language
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.textContent.trim()).then(function () {
        button.textContent = button.getAttribute("data-copied");
        window.setTimeout(function () { button.textContent = idle; }, 1500);
      }, function () {
        window.getSelection().selectAllChildren(field);
      });
    });
  });
})();

// The cite panel's day: the dated address follows the date box at once (the Pin button reloads without script).
(function () {
  "use strict";
  var box = document.getElementById("cite-on");
  var address = document.querySelector("[data-pinned-address]");
  if (!box || !address) { return; }
  var label = document.getElementById("cite-label-" + address.id.replace("cite-", ""));
  // The label's wording comes from the page; the day is written as the server writes it: 1 March 2024 in
  // English (day first, as en-GB does), 2024年3月1日 in Chinese.
  var language = document.documentElement.lang;
  var dayFormat = new Intl.DateTimeFormat(language === "en" ? "en-GB" : language,
    { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  box.addEventListener("change", function () {
    var day = box.value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || (box.max && day > box.max)) { return; }
    var pinned = address.getAttribute("data-pinned-address");
    address.textContent = address.textContent.replace("@" + pinned + "/", "@" + day + "/");
    address.setAttribute("data-pinned-address", day);
    if (label) {
      var shown = dayFormat.format(new Date(day + "T00:00:00Z"));
      label.textContent = address.getAttribute("data-label-format").replace("{day}", shown);
    }
  });
})();

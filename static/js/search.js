// Autocomplete for the search boxes (progressive enhancement: the form works without it).
(function () {
  "use strict";
  // Every page's header box has it (base.html); a page that also loads it attaches nothing twice.
  if (window.rulebookAutocomplete) { return; }
  window.rulebookAutocomplete = true;
  var endpoint = "/api/search/autocomplete/";
  var form = document.querySelector("[data-autocomplete]");
  if (form) { endpoint = form.getAttribute("data-autocomplete"); }

  function attach(input) {
    var list = document.createElement("ul");
    var timer = null;
    var lastQuery = "";
    list.className = "autocomplete";
    list.id = input.id + "-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-autocomplete", "list");
    input.parentNode.appendChild(list);

    function close() { list.hidden = true; list.textContent = ""; }

    function show(suggestions) {
      list.textContent = "";
      suggestions.forEach(function (s) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        item.setAttribute("role", "option");
        link.href = s.url || "#";
        link.textContent = s.label;  // textContent: labels are never parsed as HTML
        if (s.document) {
          var doc = document.createElement("span");
          doc.className = "autocomplete__document";
          doc.textContent = " · " + s.document;
          link.appendChild(doc);
        }
        item.appendChild(link);
        list.appendChild(item);
      });
      list.hidden = suggestions.length === 0;
    }

    input.addEventListener("input", function () {
      var q = input.value.trim();
      clearTimeout(timer);
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        lastQuery = q;
        fetch(endpoint + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (data) { if (q === lastQuery) { show(data.suggestions || []); } })
          .catch(close);
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      var links = list.querySelectorAll("a");
      if (event.key === "Escape") { close(); return; }
      if (event.key === "ArrowDown" && links.length) { event.preventDefault(); links[0].focus(); }
    });
    list.addEventListener("keydown", function (event) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var index = links.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && index < links.length - 1) { event.preventDefault(); links[index + 1].focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (index > 0 ? links[index - 1] : input).focus(); }
      if (event.key === "Escape") { close(); input.focus(); }
    });
    document.addEventListener("click", function (event) {
      if (event.target !== input && !list.contains(event.target)) { close(); }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('input[type="search"][name="q"]'), attach);
})();

// The filter panel is a sidebar on wide screens: open it there (on narrow ones it stays a collapsed
// "Filter" panel above the results). Without JavaScript, browsers with ::details-content show it by CSS.
(function () {
  "use strict";
  var panels = document.querySelectorAll("details[data-open-wide]");
  if (!panels.length || !window.matchMedia) { return; }
  var wide = window.matchMedia("(min-width: 60rem)");
  function apply() { Array.prototype.forEach.call(panels, function (panel) { panel.open = wide.matches; }); }
  apply();
  if (wide.addEventListener) { wide.addEventListener("change", apply); }
})();

/* Markdown preview under the admin's Markdown fields (annotation body, provision text, document summary).
 *
 * The widget renders a hidden preview area after each such text area; this script shows it and, on
 * "Preview Markdown", posts the text to the admin's preview endpoint, which answers with the HTML the
 * public pages would show (rendered and sanitised on the server). What it says comes from the widget's data-
 * attributes, in the interface's language. Without JavaScript nothing changes.
 * Clicks are handled on the document, so rows added to an inline later work too.
 */
(function () {
  "use strict";

  function csrfToken(element) {
    var form = element.closest("form");
    var input = (form || document).querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function parts(button) {
    var box = button.closest(".markdown-preview");
    var field = box && box.closest(".markdown-field");
    return {
      box: box,
      textarea: field && field.querySelector("textarea"),
      output: box && box.querySelector(".markdown-preview-output"),
      hide: box && box.querySelector(".markdown-preview-hide"),
    };
  }

  function say(output, message) {
    output.textContent = "";
    var p = document.createElement("p");
    var em = document.createElement("em");
    em.textContent = message;
    p.appendChild(em);
    output.appendChild(p);
  }

  function preview(button) {
    var p = parts(button);
    if (!p.box || !p.textarea || !p.output) {
      return;
    }
    var body = new FormData();
    body.append("text", p.textarea.value);
    p.output.hidden = false;
    p.hide.hidden = false;
    say(p.output, p.box.getAttribute("data-rendering"));
    fetch(p.box.getAttribute("data-preview-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(button), "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        if (response.redirected) {
          throw new Error(p.box.getAttribute("data-signed-out"));
        }
        if (!response.ok) {
          throw new Error(p.box.getAttribute("data-failed").replace("{status}", response.status));
        }
        return response.text();
      })
      .then(function (html) {
        if (html.trim()) {
          // Rendered from Markdown with raw HTML off and cleaned against an allow-list on the server.
          p.output.innerHTML = html;
        } else {
          say(p.output, p.box.getAttribute("data-empty"));
        }
      })
      .catch(function (error) {
        // A network failure (TypeError) has only the browser's own English words.
        say(p.output, (error instanceof TypeError ? "" : error.message) || p.box.getAttribute("data-unreachable"));
      });
  }

  function hide(button) {
    var p = parts(button);
    if (p.output) {
      p.output.hidden = true;
      p.output.textContent = "";
    }
    button.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    var button = target.closest(".markdown-preview-button");
    if (button) {
      event.preventDefault();
      preview(button);
      return;
    }
    button = target.closest(".markdown-preview-hide");
    if (button) {
      event.preventDefault();
      hide(button);
    }
  });

  function reveal() {
    // Including the inline's empty template row, so rows cloned from it get a visible button.
    document.querySelectorAll(".markdown-preview[hidden]").forEach(function (box) {
      box.hidden = false;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reveal);
  } else {
    reveal();
  }
})();

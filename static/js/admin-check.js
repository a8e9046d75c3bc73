// The admin's "Check readability" button, in place: post the change form in the background and
// show the figures under the button. Without this script the button opens them in a new tab.
// The form carries its own CSRF token (csrfmiddlewaretoken), so the post needs nothing more.
(function () {
  "use strict";

  function check(button) {
    var form = button.form;
    var result = document.getElementById("readability-check");
    if (!form || !result || !window.fetch) {
      return false;
    }
    var data = new FormData(form);
    data.append(button.name, button.value);
    result.textContent = "Checking…";
    fetch(button.getAttribute("formaction"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Readability-Check": "fragment" },
    })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        var parsed = new DOMParser().parseFromString(html, "text/html");
        var figures = parsed.getElementById("readability-check-result");
        result.replaceChildren(figures ? document.importNode(figures, true) : "The check failed; try again.");
      })
      .catch(function () {
        result.textContent = "The check failed; try again.";
      });
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-readability-check]");
    if (button && check(button)) {
      event.preventDefault();
    }
  });
})();

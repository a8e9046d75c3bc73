/* metsinfo: the comment form on the article page, which is the same for every reader so that
   any cache may keep it. Its CSRF token and signed timestamp are therefore empty: they come from
   an uncached endpoint (data-token-url) when the reader starts to write, or at the latest when
   they press "Send comment". Without JavaScript the form stays hidden and the reader follows the
   "Write a comment" link to the same form on an uncached page. The reader's text never leaves
   the page until it is sent; if the token cannot be fetched, a polite live region says so. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-token-url]");
  if (!form || !window.fetch || !window.Promise) return;
  var token = form.elements.csrfmiddlewaretoken;
  var timestamp = form.elements.timestamp;
  var status = form.querySelector(".comment-form-status");
  var link = document.querySelector(".comment-form-link");
  var pending = null;
  var sending = false;

  form.hidden = false;
  if (link) link.hidden = true;

  function ready() {
    return token.value !== "" && timestamp.value !== "";
  }

  function announce(message) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  // One request at a time; after a failure the next focus or press tries again.
  function fetchToken() {
    if (!pending) {
      pending = window.fetch(form.getAttribute("data-token-url"), {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" }
      }).then(function (response) {
        if (!response.ok) throw new Error("token endpoint answered " + response.status);
        return response.json();
      }).then(function (values) {
        if (!values.csrf || !values.timestamp) throw new Error("token endpoint gave no token");
        token.value = values.csrf;
        timestamp.value = values.timestamp;
        status.textContent = "";
      }).catch(function (error) {
        pending = null;
        throw error;
      });
    }
    return pending;
  }

  // Fetched when the reader starts to write, so that the "too fast" check times their writing.
  form.addEventListener("focusin", function () {
    if (!ready()) fetchToken().catch(function () { /* the press of "Send comment" tries again */ });
  });

  form.addEventListener("submit", function (event) {
    if (ready()) return;
    event.preventDefault();
    if (sending) return;
    sending = true;
    fetchToken().then(function () {
      HTMLFormElement.prototype.submit.call(form);
    }, function () {
      sending = false;
      announce(status.getAttribute("data-failed"));
    });
  });
})();

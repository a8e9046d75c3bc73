/* metsinfo: "Copy link" buttons beside each "Link to this section" anchor.
   Progressive enhancement: without JavaScript (or without the clipboard API) the anchors are
   plain links. The result is announced to screen readers through one polite live region. */
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) return;
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.appendChild(status);

  function announce(message) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  document.querySelectorAll("a[data-copy-url]").forEach(function (anchor) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-link";
    button.textContent = "Copy link";
    var label = anchor.getAttribute("data-copy-label");
    if (label) button.setAttribute("aria-label", "Copy link to " + label);
    button.addEventListener("click", function () {
      var url = anchor.getAttribute("data-copy-url");
      navigator.clipboard.writeText(url).then(
        function () { button.textContent = "Link copied"; announce("Link copied: " + url); },
        function () { announce("Could not copy. The link is: " + url); }
      );
      window.setTimeout(function () { button.textContent = "Copy link"; }, 4000);
    });
    anchor.insertAdjacentElement("afterend", button);
  });
})();

/* metsinfo: read a glossary word's meaning where it is used.
   Without JavaScript each glossary word is a link to its entry on the glossary page. With it,
   the link becomes a disclosure button: activating it shows the definition (fetched once from the
   glossary page, which is cached), with a link to the full entry; activating it again, or
   pressing Escape, hides it. The meaning opens after the paragraph (or at the end of the list
   item or cell) that holds the word, so it never splits a sentence in two. */
(function () {
  "use strict";
  var links = document.querySelectorAll(".prose a.glossary-link");
  if (!links.length || !window.fetch || !window.DOMParser) return;
  var glossary = null;

  function definitions(url) {
    if (!glossary) {
      glossary = fetch(url, { credentials: "same-origin" })
        .then(function (response) { if (!response.ok) throw new Error(response.status); return response.text(); })
        .then(function (html) { return new DOMParser().parseFromString(html, "text/html"); })
        .catch(function (error) { glossary = null; throw error; });
    }
    return glossary;
  }

  links.forEach(function (link, index) {
    var href = link.getAttribute("href");
    var slug = decodeURIComponent(href.split("#")[1] || "");
    var box = document.createElement("span");
    box.className = "term-definition";
    box.id = "term-definition-" + index;
    box.hidden = true;
    var block = link.closest("p, blockquote, li, dd, td, th");
    if (!block) {
      link.insertAdjacentElement("afterend", box);
    } else if (block.matches("p, blockquote")) {
      // After the paragraph, and after the boxes of earlier words in it: in the words' order.
      var after = block;
      while (after.nextElementSibling && after.nextElementSibling.classList.contains("term-definition")) {
        after = after.nextElementSibling;
      }
      after.insertAdjacentElement("afterend", box);
    } else {
      block.appendChild(box);
    }
    link.setAttribute("role", "button");
    link.setAttribute("aria-expanded", "false");
    link.setAttribute("aria-controls", box.id);

    function close() {
      box.hidden = true;
      link.setAttribute("aria-expanded", "false");
    }

    function open() {
      link.setAttribute("aria-expanded", "true");
      box.hidden = false;
      if (box.childNodes.length) return;
      box.textContent = "Loading the meaning…";
      definitions(href.split("#")[0]).then(function (page) {
        var entry = page.getElementById(slug);
        var meaning = entry && entry.querySelector("dd p");
        box.textContent = "";
        var term = document.createElement("strong");
        term.textContent = (entry && entry.querySelector("dt") ? entry.querySelector("dt").textContent : link.textContent) + ": ";
        box.appendChild(term);
        box.appendChild(document.createTextNode(meaning ? meaning.textContent + " " : ""));
        var more = document.createElement("a");
        more.href = href;
        more.textContent = "More in the glossary";
        box.appendChild(more);
      }, function () {
        box.textContent = "";
        var more = document.createElement("a");
        more.href = href;
        more.textContent = "Read the meaning in the glossary";
        box.appendChild(more);
      });
    }

    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button === 1) return;  // new tab: let it be
      event.preventDefault();
      if (link.getAttribute("aria-expanded") === "true") close(); else open();
    });
    link.addEventListener("keydown", function (event) {
      if (event.key === " ") { event.preventDefault(); link.click(); }
      if (event.key === "Escape" && link.getAttribute("aria-expanded") === "true") { close(); link.focus(); }
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { close(); link.focus(); }
    });
  });
})();

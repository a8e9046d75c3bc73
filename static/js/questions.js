/* metsinfo: "My questions for my next appointment".
   The reader's list lives only in this browser (localStorage): nothing is sent to the server, and
   the pages themselves are the same for everyone. Progressive enhancement: without JavaScript (or
   without storage) the question lists stay plain printable lists and the tools stay hidden.
   Every piece of text comes from the page's data-word-* attributes, so it is translated there. */
(function () {
  "use strict";
  var KEY = "metsinfo:my-questions";
  var store;
  try {
    store = window.localStorage;
    store.setItem(KEY + ":test", "1");
    store.removeItem(KEY + ":test");
  } catch (error) {
    return; // No storage (blocked, or a private window that refuses it): keep the plain page.
  }

  function load() {
    try {
      var data = JSON.parse(store.getItem(KEY) || "null");
      if (data && data.version === 1 && Array.isArray(data.items)) {
        return data.items.filter(function (item) {
          return item && typeof item.id === "string" && typeof item.text === "string" && item.text;
        });
      }
    } catch (error) { /* a damaged list starts again empty */ }
    return [];
  }
  function save(items) { store.setItem(KEY, JSON.stringify({ version: 1, items: items })); }
  function indexOf(items, id) {
    for (var i = 0; i < items.length; i++) if (items[i].id === id) return i;
    return -1;
  }
  function words(root, name, values) {
    var text = root.getAttribute("data-word-" + name) || "";
    Object.keys(values || {}).forEach(function (key) { text = text.split("{" + key + "}").join(values[key]); });
    return text;
  }
  function announce(region, message) {
    if (!region) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 50);
  }
  function showScripted(root) {
    root.querySelectorAll("[data-needs-script]").forEach(function (el) { el.hidden = false; });
    root.querySelectorAll("[data-without-script]").forEach(function (el) { el.hidden = true; });
  }
  function questionText(node) {
    return node.textContent.replace(/\s+/g, " ").trim();
  }

  /* An "add your own question" form, on any page with the tools. */
  function ownQuestionForm(form, root, added) {
    var input = form.querySelector("input");
    var error = form.querySelector("[data-own-question-error]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.replace(/\s+/g, " ").trim();
      if (!text) {
        error.textContent = words(root, "empty-question");
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      error.textContent = "";
      input.removeAttribute("aria-invalid");
      var items = load();
      items.push({ id: "own:" + Date.now().toString(36) + Math.random().toString(36).slice(2, 6), text: text, own: true });
      save(items);
      input.value = "";
      added(text);
    });
  }

  /* Tick boxes on a section page or the questions page. */
  function enhanceLists(tools) {
    var status = tools.querySelector("[data-question-status]");
    var boxes = [];
    document.querySelectorAll("[data-question-list] .questions + ul > li").forEach(function (li, n) {
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.id = "question-" + (n + 1);
      box.className = "question-tick";
      label.htmlFor = box.id;
      // The question's words go in the label; its citation numbers follow it, as links.
      var wording = document.createElement("span");
      wording.className = "question-wording";
      wording.appendChild(label);
      Array.prototype.slice.call(li.childNodes).forEach(function (node) {
        if (node.nodeType === 1 && node.matches("sup.cite")) wording.appendChild(node);
        else label.appendChild(node);
      });
      li.appendChild(box);
      li.appendChild(wording);
      li.classList.add("tickable");
      li.parentNode.classList.add("tickable-list");
      box.value = questionText(label);
      box.addEventListener("change", function () {
        var items = load();
        var id = "q:" + box.value;
        var at = indexOf(items, id);
        if (box.checked && at < 0) items.push({ id: id, text: box.value });
        if (!box.checked && at >= 0) items.splice(at, 1);
        save(items);
        count(words(tools, box.checked ? "added" : "removed") + " ");
      });
      boxes.push(box);
    });
    function count(prefix) {
      var items = load();
      boxes.forEach(function (box) { box.checked = indexOf(items, "q:" + box.value) >= 0; });
      var n = items.length;
      var message = n === 0 ? words(tools, "count-none") : n === 1 ? words(tools, "count-one") : words(tools, "count-many", { count: n });
      if (prefix === undefined) status.textContent = message;
      else announce(status, prefix + message);
    }
    ownQuestionForm(tools.querySelector("[data-own-question]"), tools, function () { count(words(tools, "added") + " "); });
    window.addEventListener("storage", function (event) { if (event.key === KEY) count(); });
    count();
    showScripted(tools);
  }

  /* The /my-questions/ page: show, reorder, remove, add, clear (with undo) and print. */
  function myQuestions(root) {
    var list = root.querySelector("[data-my-list]");
    var empty = root.querySelector("[data-list-empty]");
    var status = root.querySelector("[data-question-status]");
    var cleared = root.querySelector("[data-cleared]");
    var clearButton = root.querySelector("[data-clear]");
    var printButton = root.querySelector("[data-print]");
    var lastCleared = null;

    function button(action, label, item) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "tool-button tool-button-small";
      b.setAttribute("data-action", action);
      b.textContent = label;
      // The name says which question, as a screen reader lists many buttons of the same words.
      b.setAttribute("aria-label", label + ": " + item.text);
      return b;
    }
    function render(focus) {
      var items = load();
      list.textContent = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.setAttribute("data-id", item.id);
        var text = document.createElement("p");
        text.className = "my-question-text";
        text.textContent = item.text;
        var controls = document.createElement("div");
        controls.className = "my-question-controls";
        var up = button("up", words(root, "move-up"), item);
        var down = button("down", words(root, "move-down"), item);
        // aria-disabled, not disabled: the button keeps focus when its question reaches the end.
        if (i === 0) up.setAttribute("aria-disabled", "true");
        if (i === items.length - 1) down.setAttribute("aria-disabled", "true");
        controls.appendChild(up);
        controls.appendChild(down);
        controls.appendChild(button("remove", words(root, "remove"), item));
        var answer = document.createElement("div");
        answer.className = "answer-space print-only";
        li.appendChild(text);
        li.appendChild(controls);
        li.appendChild(answer);
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      empty.hidden = items.length > 0;
      clearButton.hidden = printButton.hidden = items.length === 0;
      if (focus) {
        var target = list.querySelector('li[data-id="' + CSS.escape(focus.id) + '"] [data-action="' + focus.action + '"]');
        if (target) target.focus();
      }
    }
    list.addEventListener("click", function (event) {
      var b = event.target.closest("button[data-action]");
      if (!b) return;
      var id = b.closest("li").getAttribute("data-id");
      var action = b.getAttribute("data-action");
      var items = load();
      var at = indexOf(items, id);
      if (at < 0) return render();
      if (action === "remove") {
        var next = items[at + 1] || items[at - 1];
        items.splice(at, 1);
        save(items);
        render(next ? { id: next.id, action: "remove" } : null);
        if (!next) {
          var title = root.querySelector("#my-list-title");
          title.setAttribute("tabindex", "-1");
          title.focus();
        }
        announce(status, words(root, "removed"));
        return;
      }
      var to = action === "up" ? at - 1 : at + 1;
      if (to < 0 || to >= items.length) {
        announce(status, words(root, action === "up" ? "at-top" : "at-bottom"));
        return;
      }
      items.splice(to, 0, items.splice(at, 1)[0]);
      save(items);
      render({ id: id, action: action });
      announce(status, words(root, action === "up" ? "moved-up" : "moved-down", { place: to + 1, total: items.length }));
    });
    clearButton.addEventListener("click", function () {
      lastCleared = load();
      save([]);
      render();
      cleared.hidden = false;
      cleared.querySelector("[data-undo]").focus();
      announce(status, words(root, "cleared"));
    });
    cleared.querySelector("[data-undo]").addEventListener("click", function () {
      if (lastCleared) save(lastCleared.concat(load()));
      lastCleared = null;
      cleared.hidden = true;
      render();
      announce(status, words(root, "restored"));
      (list.querySelector("button") || clearButton).focus();
    });
    printButton.addEventListener("click", function () { window.print(); });
    ownQuestionForm(root.querySelector("[data-own-question]"), root, function () {
      render();
      announce(status, words(root, "added"));
    });
    window.addEventListener("storage", function (event) { if (event.key === KEY) render(); });
    var date = new Date().toLocaleDateString(document.documentElement.lang || "en-GB", { day: "numeric", month: "long", year: "numeric" });
    root.querySelector("[data-printed-on]").textContent = words(root, "printed-on", { date: date });
    render();
    showScripted(root);
  }

  var page = document.querySelector("[data-my-questions]");
  if (page) myQuestions(page);
  var tools = document.querySelector("[data-question-tools]");
  if (tools && document.querySelector("[data-question-list]")) enhanceLists(tools);
})();

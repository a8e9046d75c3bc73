/* metsinfo: reading offline. Registers the service worker (/sw.js), which saves the reader pages
   after one visit, and says so on the page: when this page was saved, a button to save the pages
   again, and, with no connection, that the reader is offline and which forms need a connection.
   Every sentence comes from the page's own <template>s (includes/offline_status.html), so it is
   translated with the page; the page itself stays the same for every reader. */
(function () {
  "use strict";
  var box = document.querySelector("[data-offline]");
  var notice = document.querySelector("[data-offline-notice]");
  if (!box || !notice || !("serviceWorker" in navigator) || !window.caches || !window.Promise) return;
  var line = box.querySelector("[data-offline-line]");
  var progress = box.querySelector("[data-offline-progress]");
  var button = box.querySelector("[data-offline-update]");
  var dates = new Intl.DateTimeFormat(document.documentElement.lang || "en-GB", {
    day: "numeric", month: "long", year: "numeric"
  });
  // Forms that cannot work without a connection, and what to say on them.
  var needy = [
    { form: document.querySelector("form[role=search]"), text: "search" },
    { form: document.querySelector(".comment-form form"), text: "comment" }
  ];
  var savedAt = null;
  var savingShown = false;

  function sentence(name, date) {
    var content = box.querySelector('template[data-offline-text="' + name + '"]').content.cloneNode(true);
    var time = content.querySelector("time");
    if (time && date) {
      time.setAttribute("datetime", date.toISOString());
      time.textContent = dates.format(date);
    }
    return content;
  }

  function say(element, name, date) {
    element.textContent = "";
    if (name) element.appendChild(sentence(name, date));
  }

  function guardForms(offline) {
    needy.forEach(function (need, index) {
      if (!need.form) return;
      var submit = need.form.querySelector("[type=submit]");
      var message = need.form.querySelector(".offline-needs-connection");
      if (offline && !message) {
        message = document.createElement("p");
        message.className = "offline-needs-connection";
        message.id = "offline-needs-connection-" + index;
        message.appendChild(sentence(need.text));
        need.form.insertBefore(message, need.form.firstChild);
        if (submit) {
          submit.disabled = true;
          submit.setAttribute("aria-describedby", message.id);
        }
      } else if (!offline && message) {
        message.parentNode.removeChild(message);
        if (submit) {
          submit.disabled = false;
          submit.removeAttribute("aria-describedby");
        }
      }
    });
  }

  function showConnection(changed) {
    if (navigator.onLine) say(notice, changed ? "online" : null);
    else say(notice, savedAt ? "offline" : "offline-unsaved", savedAt);
    guardForms(!navigator.onLine);
  }

  // When this page's saved copy was saved (the worker stamps each copy), or null if it has none.
  function showSaved() {
    var saved = navigator.onLine && location.search ? Promise.resolve(undefined) : caches.match(location.pathname);
    return saved.then(function (response) {
      var stamp = response && (response.headers.get("X-Offline-Saved") || response.headers.get("Date"));
      savedAt = stamp ? new Date(stamp) : null;
      say(line, savedAt ? "saved" : null, savedAt);
      showConnection(false);
    });
  }

  navigator.serviceWorker.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "saving") {
      savingShown = true;
      say(progress, "saving");
    } else if (data.type === "saved") {
      // A mark for people and tests alike: which version of the content this device holds.
      document.documentElement.setAttribute("data-offline-saved", data.saved.version);
      if (savingShown) say(progress, "done");
      savingShown = false;
      showSaved();
    } else if (data.type === "failed") {
      savingShown = false;
      say(progress, "failed");
    }
  });

  button.addEventListener("click", function () {
    if (!navigator.onLine) {
      say(progress, "failed");
      return;
    }
    say(progress, "saving");
    savingShown = true;
    navigator.serviceWorker.ready.then(function (registration) {
      registration.active.postMessage({ type: "update" });
    });
  });

  window.addEventListener("online", function () { showConnection(true); });
  window.addEventListener("offline", function () { showConnection(true); });

  // Ask the worker what is saved: its "saved" message after this visit's check may have gone out
  // before this page could hear it (the page still loading, or reached through a redirect).
  function ask() {
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ type: "check" });
    });
  }
  // A page shown again from the back-forward cache missed what was said while it was away.
  window.addEventListener("pageshow", function (event) { if (event.persisted) ask(); });

  box.hidden = false;
  showSaved();
  navigator.serviceWorker.register(box.getAttribute("data-worker"), { scope: "/" }).then(ask, function () {
    box.hidden = true;
  });
})();

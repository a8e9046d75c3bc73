/* metsinfo: "Listen to this page" reads the title and the plain words aloud with the browser's
   own speech synthesis (nothing is sent anywhere). The control stays hidden where the browser has
   none. Each sentence is wrapped in a span when reading first starts, highlighted while it is read
   and kept in view; medical words are said as the glossary spells them (#listen-words). The speed
   is kept in this browser (localStorage). Nothing plays until the reader presses the button. */
(function () {
  "use strict";
  var box = document.querySelector("[data-listen]");
  var synth = window.speechSynthesis;
  if (!box || !synth || !window.SpeechSynthesisUtterance) return;
  var play = box.querySelector("[data-listen-play]");
  var stop = box.querySelector("[data-listen-stop]");
  var rate = box.querySelector("[data-listen-rate]");
  var status = box.querySelector("[data-listen-status]");
  var KEY = "metsinfo.listen.rate";
  var SKIP = "sup.cite, .visually-hidden, .term-definition, svg, [hidden], [aria-hidden=true]";
  var BLOCK = "p, li, dt, dd, td, th, h1, h2, h3, h4, h5, h6, blockquote, figcaption";
  // What is read, in page order: the title, each section's title, and the plain words.
  var PARTS = "main h1, .article-section > h2, [data-layer=plain] > .prose";
  var words = {};
  var sentences = null;
  var current = 0;
  var state = "idle"; // idle, playing, paused
  var turn = 0; // events of an utterance from an earlier turn (stopped, restarted) are ignored
  var restart = false;
  try { words = JSON.parse(document.getElementById("listen-words").textContent); } catch (e) { words = {}; }
  try {
    var saved = window.localStorage.getItem(KEY);
    if (saved && rate.querySelector('option[value="' + saved + '"]')) rate.value = saved;
  } catch (e) { /* storage may be off: the speed is then not kept */ }

  function said(node) {
    // A glossary term (not another of its names) is said as the glossary spells it; a plural adds "s".
    var link = node.parentNode.closest("a.glossary-link");
    var slug = link && decodeURIComponent(link.getAttribute("href").split("#")[1] || "");
    var text = node.data;
    if (!slug || !words[slug] || link.textContent !== text) return text;
    var name = text.toLowerCase().replace(/[^\w\s-]/g, "").trim().replace(/[\s_-]+/g, "-");
    if (name === slug) return words[slug];
    if (name === slug + "s") return words[slug] + "s";
    return text;
  }

  function split(nodes, list) {
    var full = nodes.map(function (node) { return node.data; }).join("");
    var cuts = [], pattern = /[.!?]+["'\u201d\u2019)\]]*\s+/g, match;
    while ((match = pattern.exec(full))) cuts.push(match.index + match[0].length);
    cuts.push(full.length);
    var start = 0, pieces = [];
    cuts.forEach(function (end) {
      if (full.slice(start, end).trim()) {
        var sentence = { text: "", spans: [] }, offset = 0;
        nodes.forEach(function (node) {
          var from = Math.max(start - offset, 0), to = Math.min(end - offset, node.data.length);
          if (from < to) {
            var whole = from === 0 && to === node.data.length;
            sentence.text += whole ? said(node) : node.data.slice(from, to);
            // Only pieces with words are wrapped: the space between two sentences is in neither.
            if (node.data.slice(from, to).trim()) pieces.push({ node: node, from: from, to: to, sentence: sentence });
          }
          offset += node.data.length;
        });
        sentence.text = sentence.text.replace(/\s+/g, " ").trim();
        list.push(sentence);
      }
      start = end;
    });
    // Wrap from the end, so splitting a text node never moves the pieces still to wrap.
    pieces.reverse().forEach(function (piece) {
      var node = piece.node;
      if (piece.to < node.data.length) node.splitText(piece.to);
      var target = piece.from > 0 ? node.splitText(piece.from) : node;
      var span = document.createElement("span");
      span.className = "listen-sentence";
      target.parentNode.insertBefore(span, target);
      span.appendChild(target);
      piece.sentence.spans.unshift(span);
    });
  }

  function collect() {
    var list = [];
    document.querySelectorAll(PARTS).forEach(function (part) {
      var walker = document.createTreeWalker(part, NodeFilter.SHOW_TEXT, {
        acceptNode: function (node) {
          return node.parentNode.closest(SKIP) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
        }
      });
      var groups = [], group = null, node;
      while ((node = walker.nextNode())) {
        var block = node.parentNode.closest(BLOCK) || part;
        if (!part.contains(block)) block = part;
        if (!group || group.block !== block) groups.push(group = { block: block, nodes: [] });
        group.nodes.push(node);
      }
      groups.forEach(function (each) { split(each.nodes, list); });
    });
    return list;
  }

  function tell(name) {
    status.textContent = box.getAttribute("data-" + name)
      .replace("{n}", current + 1).replace("{total}", sentences ? sentences.length : 0);
  }

  function show() {
    play.textContent = box.getAttribute("data-" + (state === "playing" ? "pause" : state === "paused" ? "resume" : "play"));
    stop.hidden = state === "idle";
    box.classList.toggle("listen-active", state !== "idle");
  }

  function mark(index) {
    document.querySelectorAll(".listen-current").forEach(function (span) { span.classList.remove("listen-current"); });
    if (index < 0) return;
    var spans = sentences[index].spans;
    spans.forEach(function (span) { span.classList.add("listen-current"); });
    var rect = spans[0].getBoundingClientRect();
    if (rect.top < 0 || rect.bottom > window.innerHeight) {
      var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      spans[0].scrollIntoView({ block: "center", behavior: still ? "auto" : "smooth" });
    }
  }

  function silence() {
    // Chrome stays paused through cancel(): resume too, or the next sentence is never heard.
    synth.cancel();
    if (synth.paused) synth.resume();
  }

  function end(message) {
    turn += 1;
    state = "idle";
    mark(-1);
    tell(message);
    show();
  }

  function speak(index) {
    var mine = ++turn;
    current = index;
    restart = false;
    mark(index);
    var utterance = new window.SpeechSynthesisUtterance(sentences[index].text);
    utterance.lang = document.documentElement.lang || "en-GB";
    utterance.rate = parseFloat(rate.value) || 1;
    utterance.onend = function () {
      if (mine !== turn) return;
      if (index + 1 < sentences.length) speak(index + 1);
      else end("finished");
    };
    utterance.onerror = function (event) {
      if (mine !== turn || event.error === "interrupted" || event.error === "canceled") return;
      end("failed");
    };
    synth.speak(utterance);
    tell("reading");
  }

  play.addEventListener("click", function () {
    if (state === "playing") {
      synth.pause();
      state = "paused";
      tell("paused");
    } else if (state === "paused") {
      state = "playing";
      if (restart) { silence(); speak(current); } else { synth.resume(); tell("reading"); }
    } else {
      if (!sentences) sentences = collect();
      if (!sentences.length) return;
      silence();
      state = "playing";
      speak(0);
    }
    show();
  });

  stop.addEventListener("click", function () {
    silence();
    end("stopped");
    play.focus();
  });

  rate.addEventListener("change", function () {
    try { window.localStorage.setItem(KEY, rate.value); } catch (e) { /* not kept */ }
    if (state === "playing") { silence(); speak(current); } else if (state === "paused") restart = true;
  });

  window.addEventListener("pagehide", function () { if (state !== "idle") synth.cancel(); });
  box.hidden = false;
})();

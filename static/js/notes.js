// Margin notes in the source reader. The page works without this script:
// the notes are drawn beside their paragraph by the server, and the "Annotate a passage"
// form takes a pasted quote. This script only
//  - lines each margin note up with its highlighted passage (and links them on hover);
//  - offers an "Annotate" button for a selection in the article, which fills the form's
//    TextQuoteSelector (exact, prefix, suffix) from the stored body (json_script
//    "source-body", as for static/js/attribute.js); the server finds the offsets itself.
(function () {
  "use strict";

  var article = document.querySelector(".article-text");
  if (!article) {
    return;
  }
  var CONTEXT = 32; // characters of prefix and suffix, as the server stores them

  // Lining notes up ----------------------------------------------------------------

  var wide = window.matchMedia("(min-width: 60rem)");

  function align() {
    article.querySelectorAll(".para-row").forEach(function (row) {
      var notes = row.querySelectorAll(".margin-notes > .note[data-note]");
      notes.forEach(function (note) {
        note.style.marginTop = "";
      });
      if (!wide.matches) {
        return;
      }
      notes.forEach(function (note) {
        var anchor = document.getElementById("passage-" + note.dataset.note);
        if (!anchor) {
          return;
        }
        var shift = anchor.getBoundingClientRect().top - note.getBoundingClientRect().top;
        if (shift > 0) {
          note.style.marginTop = shift + "px";
        }
      });
    });
  }

  function highlights(id) {
    return article.querySelectorAll('.note-hl[data-notes~="' + id + '"]');
  }

  article.querySelectorAll(".margin-notes > .note[data-note]").forEach(function (note) {
    var id = note.dataset.note;
    note.addEventListener("mouseenter", function () {
      highlights(id).forEach(function (el) { el.classList.add("active"); });
    });
    note.addEventListener("mouseleave", function () {
      highlights(id).forEach(function (el) { el.classList.remove("active"); });
    });
  });
  article.querySelectorAll(".note-hl").forEach(function (hl) {
    hl.addEventListener("mouseenter", function () {
      hl.dataset.notes.split(" ").forEach(function (id) {
        var note = document.getElementById("note-" + id);
        if (note) { note.classList.add("active"); }
      });
    });
    hl.addEventListener("mouseleave", function () {
      hl.dataset.notes.split(" ").forEach(function (id) {
        var note = document.getElementById("note-" + id);
        if (note) { note.classList.remove("active"); }
      });
    });
  });

  align();
  window.addEventListener("resize", align);
  window.addEventListener("load", align);
  article.addEventListener("toggle", align, true); // a reply form opened or closed

  // Annotating a selection -----------------------------------------------------------
  // Offsets as static/js/attribute.js maps them: each paragraph's data-start, text
  // counted in code points (as Python counts), a <br> is the "\n" it replaced, and
  // [data-not-body] elements (the margin notes) are not article text.

  var form = document.getElementById("note-form");
  var bodyData = document.getElementById("source-body");
  if (!form || !form.elements["note-exact"]) {
    return;
  }
  var body = bodyData ? Array.from(JSON.parse(bodyData.textContent)) : null; // code points

  function isBodyNode(node) {
    var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return !(element && element.closest("[data-not-body]"));
  }

  // The article text inside a DOM fragment, as code points.
  function textOf(fragment) {
    var walker = document.createTreeWalker(fragment, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    var out = [];
    var node;
    while ((node = walker.nextNode())) {
      if (!isBodyNode(node)) {
        continue;
      }
      if (node.nodeType === Node.TEXT_NODE) {
        out.push.apply(out, Array.from(node.data));
      } else if (node.tagName === "BR") {
        out.push("\n");
      }
    }
    return out;
  }

  function paragraphOf(node) {
    var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest("p.body-paragraph[data-start]") : null;
  }

  function offsetOf(node, offset) {
    var paragraph = paragraphOf(node);
    if (!paragraph) {
      return null;
    }
    var range = document.createRange();
    range.setStart(paragraph, 0);
    range.setEnd(node, offset);
    return parseInt(paragraph.dataset.start, 10) + textOf(range.cloneContents()).length;
  }

  // The TextQuoteSelector of the selection, or null when it is not in the article text.
  function selectorOf(range) {
    if (!article.contains(range.commonAncestorContainer)) {
      return null;
    }
    if (body === null) {
      // Without the stored body, the selected text itself (the server still checks it).
      var exact = textOf(range.cloneContents()).join("").trim();
      return exact ? { exact: exact, prefix: "", suffix: "" } : null;
    }
    var start = offsetOf(range.startContainer, range.startOffset);
    var end = offsetOf(range.endContainer, range.endOffset);
    if (start === null || end === null) {
      return null;
    }
    while (start < end && /\s/.test(body[start])) {
      start++;
    }
    while (end > start && /\s/.test(body[end - 1])) {
      end--;
    }
    if (end <= start) {
      return null;
    }
    return {
      exact: body.slice(start, end).join(""),
      prefix: body.slice(Math.max(0, start - CONTEXT), start).join(""),
      suffix: body.slice(end, end + CONTEXT).join(""),
    };
  }

  var button = document.createElement("button");
  button.type = "button";
  button.className = "annotate-button";
  button.textContent = "Annotate";
  button.hidden = true;
  document.body.appendChild(button);
  var pending = null;
  var timer = null;

  document.addEventListener("selectionchange", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var selection = window.getSelection();
      pending = null;
      if (selection && selection.rangeCount && !selection.isCollapsed) {
        var range = selection.getRangeAt(0);
        pending = selectorOf(range);
        if (pending) {
          var rect = range.getBoundingClientRect();
          button.style.top = window.scrollY + rect.bottom + 6 + "px";
          // Beside the "Attribute" button (static/js/attribute.js), not over it.
          button.style.left = window.scrollX + Math.max(rect.left, 8) + 96 + "px";
        }
      }
      button.hidden = !pending;
    }, 120);
  });
  button.addEventListener("mousedown", function (event) {
    event.preventDefault(); // keep the selection
  });
  button.addEventListener("click", function () {
    if (!pending) {
      return;
    }
    form.elements["note-exact"].value = pending.exact;
    form.elements["note-prefix"].value = pending.prefix;
    form.elements["note-suffix"].value = pending.suffix;
    button.hidden = true;
    form.scrollIntoView({ block: "center" });
    form.elements["note-text"].focus();
  });
})();

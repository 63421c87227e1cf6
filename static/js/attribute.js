/* Editors' attribute tools. No build step; loaded with defer; no inline script.
 *
 * 1. In the source reader: select text in the article and press "Attribute". The
 *    selection is mapped to offsets in the stored body: each paragraph carries
 *    data-start (its offset in the body), text counts in code points (as Python
 *    does) and every <br> is the one "\n" it replaced. Elements marked
 *    data-not-body (e.g. margin notes) are skipped. From the offsets and the body
 *    (json_script "source-body") it fills the form's W3C TextQuoteSelector: exact,
 *    prefix and suffix (32 characters each). The server finds the offsets itself.
 * 2. Speaker fields: suggestions from /actors/autocomplete/ (names and aliases).
 * 3. The new-claim statement: similar existing claims from /claims/similar/, each
 *    with a button that picks it instead of writing a new claim.
 * Without JavaScript every form still works: paste the quote, type a name.
 */
(function () {
  "use strict";

  var CONTEXT = 32;

  function codePoints(text) {
    var n = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        var d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
      n++;
    }
    return n;
  }

  function isBodyNode(node) {
    var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return !(element && element.closest("[data-not-body]"));
  }

  /* Characters of the body inside a document fragment: text, plus one per <br>. */
  function countFragment(fragment) {
    var walker = document.createTreeWalker(
      fragment,
      NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT
    );
    var n = 0;
    var node;
    while ((node = walker.nextNode())) {
      if (!isBodyNode(node)) continue;
      if (node.nodeType === Node.TEXT_NODE) n += codePoints(node.data);
      else if (node.tagName === "BR") n += 1;
    }
    return n;
  }

  /* The body offset of a range boundary, or null outside the article's paragraphs. */
  function bodyOffset(node, offset) {
    var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    var paragraph = element && element.closest("p.body-paragraph[data-start]");
    if (!paragraph) return null;
    var range = document.createRange();
    range.setStart(paragraph, 0);
    range.setEnd(node, offset);
    return parseInt(paragraph.dataset.start, 10) + countFragment(range.cloneContents());
  }

  function setupReader() {
    var bodyData = document.getElementById("source-body");
    var article = document.querySelector(".article-text");
    var button = document.getElementById("attribute-button");
    var form = document.getElementById("attribute-form");
    if (!bodyData || !article || !button || !form) return;
    var body = Array.from(JSON.parse(bodyData.textContent)); // code points
    var selector = null;
    document.body.appendChild(button); // positioned against the page

    function selectorFromSelection() {
      var selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
      var range = selection.getRangeAt(0);
      if (!article.contains(range.commonAncestorContainer)) return null;
      var start = bodyOffset(range.startContainer, range.startOffset);
      var end = bodyOffset(range.endContainer, range.endOffset);
      if (start === null) {
        var first = article.querySelector("p.body-paragraph[data-start]");
        if (!first || !range.intersectsNode(first)) return null;
        start = parseInt(first.dataset.start, 10);
      }
      if (end === null) return null;
      while (start < end && /\s/.test(body[start])) start++;
      while (end > start && /\s/.test(body[end - 1])) end--;
      if (end <= start) return null;
      return {
        start: start,
        end: end,
        exact: body.slice(start, end).join(""),
        prefix: body.slice(Math.max(0, start - CONTEXT), start).join(""),
        suffix: body.slice(end, end + CONTEXT).join(""),
        rect: range.getBoundingClientRect(),
      };
    }

    var timer = null;
    document.addEventListener("selectionchange", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        selector = selectorFromSelection();
        if (!selector) {
          button.hidden = true;
          return;
        }
        button.style.top = window.scrollY + selector.rect.bottom + 6 + "px";
        button.style.left = window.scrollX + Math.max(selector.rect.left, 8) + "px";
        button.hidden = false;
      }, 120);
    });
    // Keep the selection when the button is pressed.
    button.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    button.addEventListener("click", function () {
      if (!selector) return;
      form.elements.exact.value = selector.exact;
      form.elements.prefix.value = selector.prefix;
      form.elements.suffix.value = selector.suffix;
      form.dataset.start = selector.start;
      form.dataset.end = selector.end;
      var panel = document.getElementById("attribute-panel");
      if (panel) panel.open = true;
      button.hidden = true;
      form.scrollIntoView({ block: "start" });
      (form.elements.claim.value ? form.elements.speaker : form.elements.statement).focus();
    });
  }

  function suggestionList(input, id) {
    var list = document.getElementById(id);
    if (!list) {
      list = document.createElement("ul");
      list.id = id;
      list.className = "suggestions";
      list.setAttribute("role", "listbox");
      list.hidden = true;
      input.closest("p").after(list);
    }
    return list;
  }

  function fetchJson(url, query) {
    return fetch(url + "?q=" + encodeURIComponent(query), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    });
  }

  function setupSpeakerAutocomplete(form) {
    var input = form.querySelector("input[name=speaker], input[name=target]");
    var url = form.dataset.autocompleteUrl;
    if (!input || !url) return;
    var list = suggestionList(input, input.name + "-suggestions");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-controls", list.id);
    var timer = null;
    var sequence = 0;
    var active = -1;

    function choose(name) {
      input.value = name;
      list.hidden = true;
      list.replaceChildren();
      active = -1;
    }

    function highlight(index) {
      var items = list.querySelectorAll("li");
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
    }

    function render(results) {
      list.replaceChildren();
      active = -1;
      results.forEach(function (actor) {
        var item = document.createElement("li");
        item.setAttribute("role", "option");
        item.dataset.name = actor.name;
        var name = document.createElement("strong");
        name.textContent = actor.name;
        item.appendChild(name);
        var detail = [];
        if (actor.alias) detail.push("also “" + actor.alias + "”");
        detail.push(actor.role || actor.kind);
        var small = document.createElement("span");
        small.className = "muted";
        small.textContent = " " + detail.join(" · ");
        item.appendChild(small);
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(actor.name);
        });
        list.appendChild(item);
      });
      list.hidden = results.length === 0;
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = input.value.trim();
      if (!query) {
        list.hidden = true;
        return;
      }
      timer = setTimeout(function () {
        var mine = ++sequence;
        fetchJson(url, query)
          .then(function (data) {
            if (mine === sequence) render(data.results);
          })
          .catch(function () {
            list.hidden = true;
          });
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      var items = list.querySelectorAll("li");
      if (list.hidden || !items.length) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + items.length) % items.length);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(items[active].dataset.name);
      } else if (event.key === "Escape") {
        list.hidden = true;
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(function () {
        list.hidden = true;
      }, 150);
    });
  }

  function setupSimilarClaims(form) {
    var url = form.dataset.similarUrl;
    var statement = form.elements.statement;
    var claim = form.elements.claim;
    var box = document.getElementById("claim-suggestions");
    if (!url || !statement || !claim || !box) return;
    var timer = null;
    var sequence = 0;

    function render(results) {
      box.replaceChildren();
      if (!results.length) {
        box.hidden = true;
        return;
      }
      var heading = document.createElement("p");
      heading.textContent = "Existing claims worded like this; evidence one of them instead?";
      box.appendChild(heading);
      var list = document.createElement("ul");
      results.forEach(function (other) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = other.url;
        link.target = "_blank";
        link.textContent = "#" + other.id + " " + other.statement;
        item.appendChild(link);
        var meta = document.createElement("span");
        meta.className = "muted";
        meta.textContent =
          " " + other.status_label + (other.event ? " · " + other.event : "") + " ";
        item.appendChild(meta);
        var use = document.createElement("button");
        use.type = "button";
        use.className = "use-claim";
        use.textContent = "Use claim #" + other.id;
        use.addEventListener("click", function () {
          claim.value = other.id;
          statement.value = "";
          box.hidden = true;
          form.elements.speaker.focus();
        });
        item.appendChild(use);
        list.appendChild(item);
      });
      box.appendChild(list);
      box.hidden = false;
    }

    statement.addEventListener("input", function () {
      clearTimeout(timer);
      var query = statement.value.trim();
      if (query.length < 3) {
        box.hidden = true;
        return;
      }
      timer = setTimeout(function () {
        var mine = ++sequence;
        fetchJson(url, query)
          .then(function (data) {
            if (mine === sequence) render(data.results);
          })
          .catch(function () {
            box.hidden = true;
          });
      }, 250);
    });
  }

  function start() {
    setupReader();
    document.querySelectorAll("form[data-autocomplete-url]").forEach(setupSpeakerAutocomplete);
    document.querySelectorAll("form[data-similar-url]").forEach(setupSimilarClaims);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

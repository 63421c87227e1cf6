/* The claim page's "Similar claims", loaded after the page (claims.similar through
 * /claims/similar/?q=): the trigram search over every claim is the slowest part of the
 * page, so the page does not wait for it. Every text is set with textContent. */
(function () {
  "use strict";

  function render(section, results, own) {
    var list = section.querySelector("ul.similar-claims");
    var empty = section.querySelector(".similar-empty");
    var loading = section.querySelector(".similar-loading");
    results = results.filter(function (other) {
      return String(other.id) !== own;
    });
    if (loading) loading.hidden = true;
    if (!results.length) {
      empty.hidden = false;
      return;
    }
    results.forEach(function (other) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = other.url;
      link.textContent = other.statement;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" "));
      var badge = document.createElement("span");
      badge.className = "badge badge-" + String(other.status).replace(/[^a-z_]/g, "");
      badge.textContent = other.status_label;
      item.appendChild(badge);
      if (other.event) {
        var event = document.createElement("span");
        event.className = "muted";
        event.textContent = " " + other.event;
        item.appendChild(event);
      }
      var alike = document.createElement("span");
      alike.className = "muted";
      alike.title = "Similarity of wording";
      alike.textContent = " " + Math.round(other.similarity * 100) + "% alike";
      item.appendChild(alike);
      list.appendChild(item);
    });
    list.hidden = false;
  }

  function start() {
    document.querySelectorAll("section[data-similar-url]").forEach(function (section) {
      fetch(section.dataset.similarUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          render(section, data.results, section.dataset.claim);
        })
        .catch(function () {
          var loading = section.querySelector(".similar-loading");
          if (loading) loading.textContent = "Similar claims could not be loaded.";
        });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

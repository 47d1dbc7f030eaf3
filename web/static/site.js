// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var root = document.documentElement;
  var saved = null;
  try { saved = localStorage.getItem("theme"); } catch (e) { /* storage blocked */ }
  if (saved === "light" || saved === "dark") { root.setAttribute("data-theme", saved); }

  var toggle = document.getElementById("theme-toggle");
  if (toggle) {
    var current = function () {
      return root.getAttribute("data-theme") ||
        (window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
    };
    var label = function () {
      var next = current() === "dark" ? "light" : "dark";
      toggle.textContent = "Use " + next + " theme";
      toggle.setAttribute("aria-pressed", current() === "dark" ? "true" : "false");
    };
    toggle.hidden = false;
    label();
    toggle.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("theme", next); } catch (e) { /* storage blocked */ }
      label();
    });
  }

  // Copy buttons on install snippets.
  if (navigator.clipboard) {
    document.querySelectorAll(".snippet pre").forEach(function (pre) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "copy";
      b.textContent = "Copy";
      b.addEventListener("click", function () {
        navigator.clipboard.writeText(pre.textContent).then(function () { b.textContent = "Copied"; });
      });
      pre.parentNode.insertBefore(b, pre);
    });
  }

  // Filters apply as soon as a box is ticked.
  document.querySelectorAll("form.filters input[type=checkbox]").forEach(function (box) {
    box.addEventListener("change", function () { box.form.submit(); });
  });
})();

// Scrolling tables reachable by keyboard (issue #28, WCAG 2.1.1).
//
// A wide table scrolls sideways inside its .table-responsive wrapper; on a phone a keyboard
// user can reach the scroll only if the wrapper itself takes the focus. Each wrapper becomes a
// focusable region named after its table: the table's caption, else the heading the table sits
// under, else the page's heading. A wrapper that a template already named keeps its name.
(function () {
  "use strict";

  function text(node) {
    return node ? node.textContent.replace(/\s+/g, " ").trim() : "";
  }

  // The nearest heading before ``node`` in document order, looking through earlier siblings
  // and then up the ancestors (a card's header, a section's h2).
  function headingBefore(node) {
    var headings = "h1, h2, h3, h4, h5, h6";
    for (var at = node; at && at !== document.body; at = at.parentElement) {
      for (var prev = at.previousElementSibling; prev; prev = prev.previousElementSibling) {
        if (prev.matches(headings)) { return prev; }
        var inside = prev.querySelectorAll(headings);
        if (inside.length) { return inside[inside.length - 1]; }
      }
    }
    return document.querySelector("main h1");
  }

  function nameOf(wrapper) {
    var table = wrapper.querySelector("table");
    var name = table && table.caption ? text(table.caption) : "";
    if (!name && table && table.getAttribute("aria-label")) { name = table.getAttribute("aria-label"); }
    return name || text(headingBefore(wrapper)) || "数据表";
  }

  document.querySelectorAll(".table-responsive").forEach(function (wrapper) {
    if (!wrapper.hasAttribute("tabindex")) { wrapper.tabIndex = 0; }
    if (!wrapper.hasAttribute("role")) { wrapper.setAttribute("role", "region"); }
    if (!wrapper.hasAttribute("aria-label") && !wrapper.hasAttribute("aria-labelledby")) {
      wrapper.setAttribute("aria-label", nameOf(wrapper));
    }
  });
})();

// A table wider than a phone's screen scrolls sideways in its own box (static/css/site.css). A box
// that scrolls must be reachable by keyboard, to scroll it with the arrow keys: when one holds no
// link or field, it is made focusable while it overflows (and announced by its caption or
// heading). Without JavaScript the boxes still scroll by touch and by a recent browser's keyboard.
(function () {
  "use strict";
  var SCROLLERS = "main table, main .table-scroll, main pre";
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";

  function label(box) {
    var caption = box.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    for (var e = box; e && e !== document.body; e = e.parentElement) {
      var heading = e.querySelector("h2, h3");
      if (heading && heading.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING) {
        return heading.textContent.trim();
      }
    }
    return "Table";
  }

  function update() {
    document.querySelectorAll(SCROLLERS).forEach(function (box) {
      var ours = box.hasAttribute("data-scroll-focus");
      var scrolls = getComputedStyle(box).overflowX !== "visible" && box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !ours && !box.hasAttribute("tabindex") && !box.querySelector(FOCUSABLE)) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-focus", "");
        if (box.tagName !== "TABLE" && !box.hasAttribute("aria-label")) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", label(box) + " (scrolls sideways)");
        }
      } else if (!scrolls && ours) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-focus");
      }
    });
  }

  var waiting = null;
  function soon() {
    if (waiting) { clearTimeout(waiting); }
    waiting = setTimeout(update, 150);
  }
  document.addEventListener("DOMContentLoaded", update);
  document.addEventListener("htmx:afterSettle", update);
  window.addEventListener("resize", soon);
})();

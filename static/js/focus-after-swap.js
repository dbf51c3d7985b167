// Keeps keyboard focus where the person acted when htmx replaces part of a page (the vote panel,
// any form that posts in place): without this, focus falls back to the page's start whenever the
// element that had it is swapped out. After the swap, focus goes to
//   1. the first field the answer marks wrong (or the form's error box), when it refused;
//   2. else the replacement of the element that had focus (the same id, or the one element alike:
//      the button with the same words), which htmx itself only finds by id;
//   3. else the swapped-in part itself, so the next Tab continues from there.
// Loaded with <script src> after htmx (the Content-Security-Policy allows no inline code); without
// JavaScript the forms post and redirect as any form, and none of this is needed.
(function () {
  "use strict";
  var pending = false, acted = null;

  function describe(element) {
    return {
      id: element.id,
      tag: element.tagName,
      name: element.getAttribute("name"),
      value: element.getAttribute("value"),
      type: element.getAttribute("type"),
      text: (element.textContent || "").trim()
    };
  }

  // The element in the new part that stands where the old one stood: the same id, else the only
  // one of the same kind, name, value and words (a row's buttons alike are told apart by their id).
  function replacementOf(was, region) {
    if (was.id) {
      var same = document.getElementById(was.id);
      if (same && region.contains(same)) { return same; }
    }
    var alike = Array.prototype.filter.call(region.querySelectorAll(was.tag), function (c) {
      return c.getAttribute("name") === was.name && c.getAttribute("value") === was.value &&
        c.getAttribute("type") === was.type && (c.textContent || "").trim() === was.text;
    });
    return alike.length === 1 ? alike[0] : null;
  }

  function refusedField(region) {
    var field = region.querySelector(
      ".field-error input, .field-error select, .field-error textarea, [aria-invalid='true']"
    );
    if (field) { return field; }
    var box = region.querySelector(".form-errors, [role='alert']");
    if (box && !box.hasAttribute("tabindex")) { box.setAttribute("tabindex", "-1"); }
    return box;
  }

  function focusable(element) {
    if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    return element;
  }

  document.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    acted = active && active !== document.body ? describe(active) : null;
    pending = true;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var region = event.target;
    // htmx announces the settle on each swapped-in element: act once, on the first.
    if (!pending || !(region instanceof Element) || !region.isConnected) { return; }
    var was = acted;
    pending = false;
    acted = null;
    var target = refusedField(region);
    if (!target) {
      var active = document.activeElement;
      if (active && active !== document.body && region.contains(active)) { return; }  // htmx kept it
      target = (was && replacementOf(was, region)) || focusable(region);
    }
    target.focus();
  });
})();

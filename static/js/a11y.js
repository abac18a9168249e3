/* CS Ops: keyboard and screen-reader support for in-place (htmx) updates and form errors.
   A static file, not inline script, so a strict Content-Security-Policy can forbid inline code. */
(function () {
  "use strict";

  var FIELDS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";
  var lastFocusId = null;

  // The polite live region in base.html: cleared first so the same message twice is read twice.
  function announce(message) {
    var region = document.getElementById("announcer");
    if (!region || !message) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 100);
  }

  function focusOn(el) {
    if (!el.matches("a[href], button, input, select, textarea, [tabindex]")) el.setAttribute("tabindex", "-1");
    el.focus();
  }

  // A form with errors opens on its summary (rendered by the server, links to each field).
  function focusErrorSummary(root) {
    var summary = root.querySelector(".error-summary");
    if (summary) focusOn(summary);
    return !!summary;
  }

  // A table wider than its box scrolls there; with nothing focusable inside, a keyboard could not
  // scroll it, so the box itself joins the tab order (named by the card's heading).
  function scrollableTablesFocusable(root) {
    root.querySelectorAll(".table-responsive:not([tabindex])").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth || box.querySelector("a[href], button, input, select, textarea")) return;
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var heading = box.closest(".card-body, section, .card");
      heading = heading && heading.querySelector("h2, h3");
      box.setAttribute("aria-label", heading ? heading.textContent.trim() : "Table");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
    scrollableTablesFocusable(document);
  });
  window.addEventListener("resize", function () { scrollableTablesFocusable(document); });

  // An outerHTML swap replaces the element that had focus: remember it by id to give it back.
  document.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    lastFocusId = active && active !== document.body && active.id ? active.id : null;
  });

  // After an update focus goes where the change is: the error summary; else the same control again
  // (a Save or tick button re-rendered); else a loaded form's first field; else the updated region.
  document.addEventListener("htmx:afterSwap", function (evt) {
    var region = evt.detail.target;
    if (region && !region.isConnected && region.id) region = document.getElementById(region.id);
    if (!region) return;
    if (focusErrorSummary(region)) return;
    var again = lastFocusId && document.getElementById(lastFocusId);
    if (again && region.contains(again)) { again.focus(); return; }
    var verb = evt.detail.requestConfig && evt.detail.requestConfig.verb;
    var field = region.querySelector(FIELDS);
    if (verb === "get" && field) { field.focus(); return; }
    focusOn(region);
  });

  // The server names what an update did in an HX-Trigger header: {"announce": {"message": "Call logged."}}
  document.addEventListener("announce", function (evt) { announce(evt.detail && evt.detail.message); });
})();

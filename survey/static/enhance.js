/* Small improvements on top of pages that work without JavaScript. */
(function () {
  "use strict";

  // After a refused submit, move focus to the error summary so it is read out first.
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  // A summary link focuses its field and shows the field's label or legend with it.
  function followSummaryLinks() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
      if (!link) {
        return;
      }
      var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) {
        return;
      }
      event.preventDefault();
      var field = target.closest("fieldset, .field") || target;
      field.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
      if (history.replaceState) {
        history.replaceState(null, "", link.hash);
      }
    });
  }

  // The "scroll sideways" hint only where a table really is wider than its box.
  function markTablesThatFit() {
    var boxes = document.querySelectorAll(".table-scroll");
    for (var i = 0; i < boxes.length; i++) {
      var wrap = boxes[i].querySelector(".table-wrap");
      boxes[i].classList.toggle("fits", wrap.scrollWidth <= wrap.clientWidth + 1);
    }
  }

  // The "More" menu closes on Escape or a click elsewhere, as a menu does.
  function closeMenusOutside() {
    function close(except) {
      var open = document.querySelectorAll("details.menu-more[open]");
      for (var i = 0; i < open.length; i++) {
        if (open[i] !== except) {
          open[i].removeAttribute("open");
        }
      }
    }
    document.addEventListener("click", function (event) {
      close(event.target.closest && event.target.closest("details.menu-more"));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        var open = document.querySelector("details.menu-more[open]");
        if (open) {
          open.removeAttribute("open");
          open.querySelector("summary").focus();
        }
      }
    });
  }

  function start() {
    focusErrorSummary();
    followSummaryLinks();
    markTablesThatFit();
    closeMenusOutside();
    window.addEventListener("resize", markTablesThatFit);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

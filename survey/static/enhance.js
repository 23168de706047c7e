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

  // A form whose answer is a download (letters as a PDF) leaves its page as it was: the
  // button is busy (and says so in a live region) until the file has come (the server sets
  // a cookie with the form's random token on it), then the page loads itself again and
  // shows what was made, with focus on that message.
  var DOWNLOADED = "trygghet-downloaded";

  function signalDownloads() {
    var forms = document.querySelectorAll("form[data-download-page]");
    for (var i = 0; i < forms.length; i++) {
      var status = document.createElement("p");
      status.className = "download-status";
      status.setAttribute("role", "status");
      forms[i].appendChild(status);
      forms[i].addEventListener("submit", function (event) {
        var form = event.currentTarget;
        var button = form.querySelector("button[type=submit]");
        var status = form.querySelector(".download-status");
        if (button.getAttribute("aria-disabled") === "true") {
          event.preventDefault(); // one batch of codes at a time
          return;
        }
        var token = "";
        var bytes = new Uint8Array(12);
        window.crypto.getRandomValues(bytes);
        for (var j = 0; j < bytes.length; j++) {
          token += ("0" + bytes[j].toString(16)).slice(-2);
        }
        form.querySelector("input[name=download]").value = token;
        // Not disabled: the button keeps the focus, and says what is going on.
        button.setAttribute("aria-disabled", "true");
        status.textContent = form.getAttribute("data-busy");
        var cookie = "trygghet-download=" + token;
        var started = Date.now();
        var timer = window.setInterval(function () {
          if (document.cookie.split("; ").indexOf(cookie) >= 0) {
            window.clearInterval(timer);
            document.cookie = "trygghet-download=; Max-Age=0; path=/organizer/";
            window.sessionStorage.setItem(DOWNLOADED, "1");
            window.location.assign(form.getAttribute("data-download-page"));
          } else if (Date.now() - started > 300000) {
            window.clearInterval(timer);
            button.removeAttribute("aria-disabled");
            status.textContent = form.getAttribute("data-gave-up");
          }
        }, 400);
      });
    }
  }

  // A form sent is not sent again by a second click while its answer is on the way (a
  // double click stored two answers, or erased one and then said its code was unknown). The
  // server copes with it too (a survey page is stored once); this saves the second request.
  // A page shown again from the back-forward cache can be sent again.
  function sendFormsOnce() {
    var SENT = "data-sent";
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (
        event.defaultPrevented ||
        form.method !== "post" ||
        form.hasAttribute("data-download-page")
      ) {
        return;
      }
      if (form.hasAttribute(SENT)) {
        event.preventDefault();
        return;
      }
      form.setAttribute(SENT, "");
    });
    window.addEventListener("pageshow", function () {
      var sent = document.querySelectorAll("form[" + SENT + "]");
      for (var i = 0; i < sent.length; i++) {
        sent[i].removeAttribute(SENT);
      }
    });
  }

  // After that reload, the message that says what was made is read out first.
  function focusDownloadedMessage() {
    if (window.sessionStorage.getItem(DOWNLOADED)) {
      window.sessionStorage.removeItem(DOWNLOADED);
      var message = document.querySelector(".flash-success");
      if (message) {
        message.setAttribute("tabindex", "-1");
        message.focus();
      }
    }
  }

  function start() {
    focusErrorSummary();
    followSummaryLinks();
    markTablesThatFit();
    closeMenusOutside();
    signalDownloads();
    sendFormsOnce();
    focusDownloadedMessage();
    window.addEventListener("resize", markTablesThatFit);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

// Print and copy buttons for the receipt code on the thank-you page. Without JavaScript the
// buttons stay hidden: the page prints from the browser's menu and the code can be selected.
(function () {
  "use strict";
  var status = document.querySelector(".receipt-status");
  var printButton = document.querySelector("[data-print]");
  if (printButton && window.print) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }
  var copyButton = document.querySelector("[data-copy]");
  if (copyButton && navigator.clipboard && window.isSecureContext) {
    copyButton.hidden = false;
    copyButton.addEventListener("click", function () {
      var code = document.getElementById(copyButton.getAttribute("data-copy"));
      navigator.clipboard.writeText(code.textContent.trim()).then(function () {
        if (status) { status.textContent = copyButton.getAttribute("data-copied"); }
      });
    });
  }
})();

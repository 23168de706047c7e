/* Skip logic on the survey page: a question asked only if earlier answers say so
   (data-show-if, a condition as the questionnaire defines it) is hidden until they do.
   The server applies the same rule, so without JavaScript every question shows and answers
   to questions not asked are not kept. */
(function () {
  "use strict";

  var form = document.querySelector(".survey-form");
  if (!form) {
    return;
  }
  var guarded = form.querySelectorAll("[data-show-if]");
  if (!guarded.length) {
    return;
  }

  // The values an item has now (conditions name earlier items, updated first): ticked radios and checkboxes, a chosen option, typed text.
  function values(code) {
    var found = [];
    var fields = form.querySelectorAll("[name='" + code + "']");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      var wrapper = field.closest("[data-show-if]");
      if (wrapper && wrapper.hidden) {
        continue; // a question not asked has no answer, as on the server
      }
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked) {
          found.push(field.value);
        }
      } else if (field.value) {
        found.push(field.value.trim());
      }
    }
    return found;
  }

  function holds(condition) {
    if (condition.item) {
      var given = values(condition.item);
      return given.some(function (value) {
        return condition.any_of.indexOf(value) !== -1;
      });
    }
    if (condition.not) {
      return !holds(condition.not);
    }
    if (condition.all) {
      return condition.all.every(holds);
    }
    if (condition.any) {
      return condition.any.some(holds);
    }
    return true;
  }

  function update() {
    for (var i = 0; i < guarded.length; i++) {
      var condition = JSON.parse(guarded[i].getAttribute("data-show-if"));
      guarded[i].hidden = !holds(condition);
    }
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();

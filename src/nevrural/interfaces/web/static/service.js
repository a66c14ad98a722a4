// The service pages' small behaviours; every form also works without this script.
(function () {
  "use strict";

  // Show the fields a choice needs: the old car unless "none", the loan when ticked.
  function toggle(section, isShown) {
    if (!section) return;
    section.hidden = !isShown;
  }

  function wireQuoteForm(form) {
    var oldCar = form.querySelector("[data-svc-old-car]");
    var loan = form.querySelector("[data-svc-loan]");
    var loanBox = form.querySelector("input[name=has_loan]");
    function update() {
      var disposal = form.querySelector("input[name=disposal]:checked");
      toggle(oldCar, !disposal || disposal.value !== "none");
      toggle(loan, !loanBox || loanBox.checked);
    }
    form.addEventListener("change", update);
    update();
  }

  // Delivery at a campaign event: choosing an event picks "event" and its day (when
  // the event is not in the past; the date field starts at today).
  function wireScheduleForm(form) {
    var select = form.querySelector("select[name=event_id]");
    var eventField = form.querySelector("[data-svc-event]");
    var atEvent = form.querySelector("input[name=delivery_place][value=event]");
    var date = form.querySelector("input[name=delivery_on]");
    function syncDate() {
      var option = select && select.selectedOptions[0];
      var day = option && option.getAttribute("data-date");
      if (date && day && day >= date.defaultValue) date.value = day;
    }
    function update() {
      toggle(eventField, Boolean(atEvent && atEvent.checked));
    }
    form.addEventListener("change", function (event) {
      if (event.target === select && atEvent) atEvent.checked = true;
      if (event.target === select || event.target === atEvent) syncDate();
      update();
    });
    update();
  }

  // One press per form: ask first where a form says so, then hold its buttons.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-svc-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-svc-once")) {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (button) {
          button.disabled = true;
          button.setAttribute("aria-busy", "true");
        });
      }, 0);
    }
  });

  // Coming back to a page (history), the buttons are usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-svc-once] button[disabled]").forEach(function (b) {
      b.disabled = false;
      b.removeAttribute("aria-busy");
    });
  });

  function init() {
    var quote = document.getElementById("quote-form");
    if (quote) wireQuoteForm(quote);
    document.querySelectorAll("form[data-svc-schedule]").forEach(wireScheduleForm);
    // After a refusal, start at the first field named; after a quote, at the result.
    var invalid = document.querySelector(".svc [aria-invalid=true]");
    var error = document.querySelector(".svc .svc-error");
    if (invalid) {
      invalid.focus();
    } else if (error) {
      error.setAttribute("tabindex", "-1");
      error.focus();
    } else if (window.location.hash === "#quote") {
      var result = document.getElementById("quote");
      if (result) result.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

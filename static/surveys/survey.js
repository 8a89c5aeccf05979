// Progress indicator for long surveys: counts answered questions as the person goes.
(function () {
  "use strict";
  function answered(fieldset) {
    if (fieldset.querySelector("input:checked")) return true;
    var text = fieldset.querySelector("textarea");
    return !!(text && text.value.trim());
  }
  function init(form) {
    var bar = form.querySelector("[data-progress]");
    var label = form.querySelector("[data-progress-text]");
    var questions = form.querySelectorAll("[data-question]");
    function update() {
      var done = 0;
      questions.forEach(function (q) { if (answered(q)) done += 1; });
      if (bar) bar.value = done;
      if (label) label.textContent = "ตอบแล้ว " + done + " จาก " + questions.length + " ข้อ";
    }
    form.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
    var summary = form.querySelector("#survey-errors");
    if (summary) summary.focus();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-survey-form]").forEach(init);
  });
})();

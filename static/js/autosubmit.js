// A <select data-autosubmit> sends its form when changed (the NPS quarter, the satisfaction month).
// A static file rather than an inline onchange: the Content-Security-Policy allows no inline script.
// Without JavaScript the form's <noscript> button does the same.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});

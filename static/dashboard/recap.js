// The recap's "Print" button: hidden without JavaScript (the browser menu still prints).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector("[data-krk-print]");
  if (!button) return;
  button.classList.remove("d-none");
  button.addEventListener("click", function () {
    window.print();
  });
});

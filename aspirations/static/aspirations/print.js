// The success page's "Print" button (hidden without JavaScript; the browser menu still prints).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print-ticket");
  if (button) {
    button.addEventListener("click", () => window.print());
  }
});

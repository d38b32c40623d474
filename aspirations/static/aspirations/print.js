// The ticket page's "Print" and "Copy code" buttons (hidden without JavaScript; the
// browser menu still prints and the code can be selected by hand).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print-ticket");
  if (button) {
    button.addEventListener("click", () => window.print());
  }
  const copy = document.querySelector("[data-krk-copy]");
  const status = document.querySelector("[data-krk-copy-status]");
  if (copy && navigator.clipboard) {
    copy.addEventListener("click", () => {
      navigator.clipboard.writeText(copy.dataset.krkCopy).then(() => {
        status.textContent = copy.dataset.krkCopied;
      });
    });
  } else if (copy) {
    copy.hidden = true;
  }
});

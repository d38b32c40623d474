// Progressive enhancement only: every page works without this file.
document.documentElement.classList.remove("no-js");

// A download link marked data-krk-busy (exports) says the file is being prepared: the
// browser shows nothing until the first byte arrives. The message goes after a minute.
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a[data-krk-busy]") : null;
  var scope = link && link.closest("section");
  var status = scope && scope.querySelector("[data-krk-busy-status]");
  if (!status) {
    return;
  }
  status.textContent = link.getAttribute("data-krk-busy");
  window.clearTimeout(status.krkTimer);
  status.krkTimer = window.setTimeout(function () {
    status.textContent = "";
  }, 60000);
});

// Progressive enhancement only: every page works without this file.
document.documentElement.classList.remove("no-js");

// The menu button on a phone (Bootstrap's CSS, not its JavaScript): it shows and hides
// the element it controls. Without JavaScript the menu is simply open (portal.css).
document.querySelectorAll("[data-krk-toggle]").forEach(function (button) {
  var target = document.getElementById(button.getAttribute("aria-controls"));
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    target.classList.toggle("show", open);
  });
});

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

// A form marked data-krk-sending (forms with photos) says it is on its way and ignores a
// second tap until the page changes: on a slow connection the first is still uploading,
// and a second would file the same report twice.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (event.defaultPrevented || !form.hasAttribute || !form.hasAttribute("data-krk-sending")) {
    return;
  }
  if (form.krkSending) {
    event.preventDefault();
    return;
  }
  form.krkSending = true;
  var status = form.querySelector("[data-krk-sending-status]");
  if (!status) {
    status = document.createElement("p");
    status.className = "small text-body-secondary mt-2";
    status.setAttribute("role", "status");
    status.setAttribute("data-krk-sending-status", "");
    form.appendChild(status);
  }
  status.textContent = form.getAttribute("data-krk-sending");
});

// Back to a page the browser kept (back/forward cache): the form may be sent again.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) {
    return;
  }
  document.querySelectorAll("form[data-krk-sending]").forEach(function (form) {
    form.krkSending = false;
    var status = form.querySelector("[data-krk-sending-status]");
    if (status) {
      status.textContent = "";
    }
  });
});

// The error summary at the top of a form (core/_error_summary.html, or the same built
// by krkErrorSummary when photos.js checks a form before sending) takes the focus, so a
// screen reader reads the problems first; each link puts the focus in its field.
window.krkErrorSummary = function (form, problems) {
  var summary = document.createElement("div");
  summary.className = "krk-error-summary border border-3 border-danger rounded p-3 mb-3";
  summary.setAttribute("role", "alert");
  summary.setAttribute("tabindex", "-1");
  summary.setAttribute("aria-labelledby", "krk-error-summary-title");
  summary.setAttribute("data-krk-error-summary", "");
  var title = document.createElement("h2");
  title.className = "h5 fw-bold";
  title.id = "krk-error-summary-title";
  title.textContent = form.getAttribute("data-krk-problem-title");
  var list = document.createElement("ul");
  list.className = "mb-0 ps-3";
  problems.forEach(function (problem) {
    var link = document.createElement("a");
    link.className = "link-danger fw-semibold";
    link.href = "#" + problem.id;
    link.textContent = problem.label + ": " + problem.message;
    var item = document.createElement("li");
    item.appendChild(link);
    list.appendChild(item);
  });
  summary.append(title, list);
  var shown = document.querySelector("[data-krk-error-summary]");
  if (shown) {
    shown.replaceWith(summary);
  } else {
    form.before(summary);
  }
  summary.focus();
};
(function () {
  var summary = document.querySelector("[data-krk-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("[data-krk-error-summary] a[href^='#']") : null;
  var field = link && document.getElementById(link.getAttribute("href").slice(1));
  if (!field) {
    return;
  }
  event.preventDefault();
  var label = document.querySelector("label[for='" + field.id + "']") || field;
  label.scrollIntoView();
  field.focus({ preventScroll: true });
});

// A block marked data-krk-shown-by="NAME" data-krk-shown-for="VALUE" (the contact fields
// under "I want to be contacted", a patrol's times under "Other") shows only while that
// choice is made; hidden, its fields are not sent either. Without JavaScript it stays
// visible, with a note that says when it applies.
document.querySelectorAll("[data-krk-shown-by]").forEach(function (block) {
  var name = block.getAttribute("data-krk-shown-by");
  var value = block.getAttribute("data-krk-shown-for");
  var update = function () {
    var chosen = document.querySelector("input[name='" + name + "']:checked");
    var shown = Boolean(chosen) && chosen.value === value;
    block.hidden = !shown;
    block.querySelectorAll("input, select, textarea").forEach(function (field) {
      field.disabled = !shown;
    });
  };
  document.querySelectorAll("input[name='" + name + "']").forEach(function (radio) {
    radio.addEventListener("change", update);
  });
  update();
});

// A GET form marked data-krk-autosubmit (the Dasbor's unit selector) shows the chosen
// unit as soon as it is picked; without JavaScript its button does the same.
document.addEventListener("change", function (event) {
  var form = event.target.form;
  if (form && form.hasAttribute("data-krk-autosubmit") && event.target.tagName === "SELECT") {
    form.submit();
  }
});

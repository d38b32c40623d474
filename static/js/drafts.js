// A report is never lost: the text typed into a form marked by a [data-krk-draft] box
// is kept in this browser (localStorage) as it is typed, until the page that confirms
// it arrived (which carries data-krk-draft-done) clears it. Coming back to an empty
// form with a draft kept offers to restore it. Files, hidden fields (tokens, upload
// ids) and the spam trap are never kept, except the hidden fields the box names in
// data-krk-draft-keep: the idempotency key, so that sending a restored draft whose
// first send did arrive shows that ticket instead of filing the report twice.
// The forms work fully without this file.
(function () {
  "use strict";

  var storage;
  try {
    storage = window.localStorage;
    storage.getItem("krk"); // blocked storage throws here
  } catch (error) {
    return;
  }

  function keyFor(name) {
    return "krk-draft:" + name;
  }

  document.querySelectorAll("[data-krk-draft-done]").forEach(function (marker) {
    storage.removeItem(keyFor(marker.dataset.krkDraftDone));
  });

  var alsoKept = [];

  function kept(field) {
    if (field.type === "hidden") {
      return alsoKept.indexOf(field.name) !== -1;
    }
    return (
      field.name &&
      !field.disabled &&
      ["file", "submit", "button", "password"].indexOf(field.type) === -1 &&
      !field.closest("[aria-hidden=true]")
    );
  }

  function read(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!kept(field)) {
        return;
      }
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked) {
          (values[field.name] = values[field.name] || []).push(field.value);
        }
      } else {
        values[field.name] = [field.value];
      }
    });
    return values;
  }

  function write(form, values) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!kept(field) || !(field.name in values)) {
        return;
      }
      if (field.type === "radio" || field.type === "checkbox") {
        field.checked = values[field.name].indexOf(field.value) !== -1;
      } else {
        field.value = values[field.name][0];
      }
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  // Typed text, as opposed to what the form shows before anyone types.
  function typed(form) {
    return Array.prototype.some.call(form.elements, function (field) {
      return kept(field) && (field.tagName === "TEXTAREA" || field.type === "text") && field.value.trim() !== "";
    });
  }

  document.querySelectorAll("[data-krk-draft]").forEach(function (box) {
    var form = document.getElementById(box.dataset.krkDraftForm);
    if (!form) {
      return;
    }
    var key = keyFor(box.dataset.krkDraft);
    alsoKept = (box.dataset.krkDraftKeep || "").split(" ").filter(Boolean);
    var stored = null;
    try {
      stored = JSON.parse(storage.getItem(key) || "null");
    } catch (error) {
      stored = null;
    }
    var save = function () {
      if (typed(form)) {
        storage.setItem(key, JSON.stringify({ saved: Date.now(), values: read(form) }));
      }
    };
    if (stored && stored.values && !typed(form)) {
      box.querySelector("[data-krk-draft-when]").textContent = new Date(stored.saved).toLocaleString();
      box.hidden = false;
      box.querySelector("[data-krk-draft-restore]").addEventListener("click", function () {
        write(form, stored.values);
        box.hidden = true;
      });
      box.querySelector("[data-krk-draft-discard]").addEventListener("click", function () {
        storage.removeItem(key);
        box.hidden = true;
      });
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", save);
  });
})();

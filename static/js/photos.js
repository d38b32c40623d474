// Photos small before they leave the phone; the forms work fully without this file.
//
// On a photo input marked data-krk-max-files (core.images.MultiplePhotoField):
// - the choice is checked at once (count and size, with the field's own messages),
//   before anything is sent;
// - each photo is decoded with its EXIF orientation applied, scaled to at most
//   data-krk-max-side pixels a side and re-encoded as a JPEG through a canvas, which
//   carries no metadata (no GPS). The server re-encodes it again: nothing a browser
//   sends is trusted.
// On a form marked data-krk-validate (forms that set novalidate so that the server's
// messages show by their fields), required fields are checked before sending, with the
// form's own message (data-krk-required); the problems are listed in the same error
// summary as the server's (portal.js), and nothing is sent.
// Other scripts (uploads.js) use window.krkPhotos.
(function () {
  "use strict";

  var QUALITY = 0.8;

  function shrink(file, maxSide) {
    if (!window.createImageBitmap || !HTMLCanvasElement.prototype.toBlob) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" })
      .then(function (bitmap) {
        var scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(bitmap.width * scale));
        canvas.height = Math.max(1, Math.round(bitmap.height * scale));
        var context = canvas.getContext("2d");
        // JPEG has no transparency: flatten onto white, as the server does.
        context.fillStyle = "#fff";
        context.fillRect(0, 0, canvas.width, canvas.height);
        context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        if (bitmap.close) {
          bitmap.close();
        }
        return new Promise(function (resolve) {
          canvas.toBlob(resolve, "image/jpeg", QUALITY);
        });
      })
      .then(function (blob) {
        // Keep the original when shrinking would not help (a small, already compressed file).
        if (!blob || blob.size >= file.size) {
          return file;
        }
        var name = (file.name || "foto").replace(/\.[^.]*$/, "") + ".jpg";
        return new File([blob], name, { type: "image/jpeg", lastModified: Date.now() });
      })
      .catch(function () {
        return file; // not decodable here: the server says what is wrong with it
      });
  }

  // The message for a choice of `files` when `already` photos are kept, or "".
  function problem(input, files, already) {
    if (files.length + (already || 0) > parseInt(input.dataset.krkMaxFiles, 10)) {
      return input.dataset.krkTooMany;
    }
    var maxBytes = parseInt(input.dataset.krkMaxBytes, 10);
    for (var i = 0; i < files.length; i++) {
      if (files[i].size > maxBytes) {
        return files[i].name + ": " + input.dataset.krkTooLarge;
      }
    }
    return "";
  }

  function shrinkAll(input, files) {
    var maxSide = parseInt(input.dataset.krkMaxSide, 10) || 1600;
    return Promise.all(
      Array.prototype.map.call(files, function (file) {
        return shrink(file, maxSide);
      })
    );
  }

  function say(input, message) {
    input.setCustomValidity(message);
    if (message) {
      input.reportValidity();
    }
  }

  // Without background uploads the shrunk photos replace the chosen ones in the input,
  // and the form posts them as before.
  function enhanceInput(input) {
    if (input.krkPhotos) {
      return;
    }
    input.krkPhotos = true;
    input.addEventListener("change", function () {
      if (input.krkReplacing || input.dataset.krkUploadUrl) {
        return;
      }
      var message = problem(input, input.files, 0);
      say(input, message);
      if (message || !input.files.length || !window.DataTransfer) {
        return;
      }
      input.krkPending = shrinkAll(input, input.files).then(function (small) {
        var transfer = new DataTransfer();
        small.forEach(function (file) {
          transfer.items.add(file);
        });
        input.krkReplacing = true;
        input.files = transfer.files;
        input.krkReplacing = false;
        input.krkPending = null;
        say(input, problem(input, input.files, 0));
      });
    });
  }

  // The name a problem is listed under: its label (a choice list's legend), without the
  // required mark, as the server's error summary names it.
  function labelOf(field) {
    var fieldset = field.type === "radio" ? field.closest("fieldset") : null;
    var label = fieldset ? fieldset.querySelector("legend") : document.querySelector("label[for='" + field.id + "']");
    if (!label) {
      return field.name;
    }
    var copy = label.cloneNode(true);
    copy.querySelectorAll(".asteriskField").forEach(function (mark) {
      mark.remove();
    });
    return copy.textContent.trim();
  }

  function problemsOf(form) {
    var found = [];
    var names = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.willValidate || names.indexOf(field.name) !== -1) {
        return;
      }
      if (field.validity.valueMissing && form.dataset.krkRequired) {
        field.setCustomValidity(form.dataset.krkRequired);
      }
      if (!field.checkValidity()) {
        names.push(field.name);
        found.push({ id: field.id, label: labelOf(field), message: field.validationMessage });
      }
    });
    return found;
  }

  function enhanceForm(form) {
    // On the form itself, so it runs before portal.js's "Sending…" (on the document).
    form.addEventListener("submit", function (event) {
      var waiting = Array.prototype.filter.call(form.querySelectorAll("input[type=file]"), function (input) {
        return input.krkPending;
      });
      if (waiting.length) {
        event.preventDefault();
        Promise.all(
          waiting.map(function (input) {
            return input.krkPending;
          })
        ).then(function () {
          form.requestSubmit(event.submitter || undefined);
        });
        return;
      }
      // A button marked formnovalidate (the village list's step) sends the form unchecked.
      if (!form.hasAttribute("data-krk-validate") || (event.submitter && event.submitter.formNoValidate)) {
        return;
      }
      var problems = problemsOf(form);
      if (problems.length) {
        event.preventDefault();
        window.krkErrorSummary(form, problems);
      }
    });
    // A required-field message goes as soon as the field is filled in.
    form.addEventListener("input", function (event) {
      var field = event.target;
      if (field.validity && field.validity.customError && field.type !== "file") {
        field.setCustomValidity("");
      }
    });
    form.addEventListener("change", function (event) {
      var field = event.target;
      if (field.validity && field.validity.customError && field.type !== "file") {
        field.setCustomValidity("");
      }
    });
  }

  document.querySelectorAll("input[type=file][data-krk-max-files]").forEach(function (input) {
    if (input.form) {
      enhanceInput(input);
      if (!input.form.krkPhotoForm) {
        input.form.krkPhotoForm = true;
        enhanceForm(input.form);
      }
    }
  });
  document.querySelectorAll("form[data-krk-validate]").forEach(function (form) {
    if (!form.krkPhotoForm) {
      form.krkPhotoForm = true;
      enhanceForm(form);
    }
  });

  window.krkPhotos = { shrink: shrinkAll, problem: problem, say: say };
})();

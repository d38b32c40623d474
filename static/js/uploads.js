// Photos go up in the background as soon as they are picked; the forms work fully
// without this file (they then post the files with the form, as before).
//
// On a photo input with data-krk-upload-url (core.uploads.PendingPhotosMixin): each
// picked photo is checked and shrunk (photos.js), posted on its own with a progress
// bar, and kept as a hidden `uploads` id with its thumbnail and a remove button. A
// failed upload offers a retry. The final submit sends the text and the ids only;
// it waits for uploads still on their way and stops on a failed one.
(function () {
  "use strict";

  var photos = window.krkPhotos;
  if (!photos || !window.XMLHttpRequest || !window.FormData) {
    return;
  }

  function item(list, file) {
    var entry = document.createElement("li");
    entry.className = "krk-upload";
    entry.setAttribute("data-krk-upload", "");
    var image = document.createElement("img");
    image.className = "rounded";
    image.width = 96;
    image.height = 96;
    image.alt = file.name;
    var progress = document.createElement("progress");
    progress.max = 100;
    progress.value = 0;
    progress.className = "d-block w-100";
    var status = document.createElement("span");
    status.className = "small d-block";
    status.setAttribute("role", "status");
    entry.append(image, progress, status);
    list.appendChild(entry);
    return entry;
  }

  function button(entry, label, attribute) {
    var control = document.createElement("button");
    control.type = "button";
    control.className = "btn btn-link btn-sm p-0 d-block";
    control.textContent = label;
    control.setAttribute(attribute, "");
    entry.appendChild(control);
    return control;
  }

  // One photo at a time: on a slow link each then finishes sooner, and the first answer
  // sets the upload key (a cookie) that the others must carry.
  var queue = Promise.resolve();

  function send(input, entry, file) {
    entry.krkSending = true;
    queue = queue.then(function () {
      return new Promise(function (done) {
        post(input, entry, file, done);
      });
    });
  }

  function post(input, entry, file, done) {
    var form = input.form;
    var progress = entry.querySelector("progress");
    var status = entry.querySelector("[role=status]");
    var retry = entry.querySelector("[data-krk-upload-retry]");
    if (retry) {
      retry.remove();
    }
    entry.classList.remove("krk-upload-failed");
    status.textContent = "";
    progress.hidden = false;
    progress.value = 0;
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    body.append("photo", file, file.name);
    var request = new XMLHttpRequest();
    request.open("POST", input.dataset.krkUploadUrl);
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        progress.value = Math.round((100 * event.loaded) / event.total);
      }
    });
    request.addEventListener("loadend", function () {
      entry.krkSending = false;
      done();
      var answer = null;
      try {
        answer = JSON.parse(request.responseText);
      } catch (error) {
        answer = null;
      }
      if (request.status === 201 && answer && answer.id) {
        progress.hidden = true;
        entry.querySelector("img").src = answer.thumbnail;
        var id = document.createElement("input");
        id.type = "hidden";
        id.name = "uploads";
        id.value = answer.id;
        entry.appendChild(id);
        button(entry, input.dataset.krkUploadRemove, "data-krk-upload-remove");
      } else {
        entry.classList.add("krk-upload-failed");
        status.textContent = (answer && answer.error) || input.dataset.krkUploadFailed;
        button(entry, input.dataset.krkUploadRetry, "data-krk-upload-retry").addEventListener("click", function () {
          send(input, entry, file);
        });
        button(entry, input.dataset.krkUploadRemove, "data-krk-upload-remove");
      }
      form.dispatchEvent(new CustomEvent("krk-upload-done"));
    });
    request.send(body);
  }

  // No connection: the photo stays with the page (the outbox, outbox.js, takes it) and
  // goes up by itself if the connection returns first.
  function keepForLater(input, entry, file) {
    entry.krkFile = file;
    entry.querySelector("progress").hidden = true;
    entry.querySelector("[role=status]").textContent = input.dataset.krkUploadLater;
    button(entry, input.dataset.krkUploadRemove, "data-krk-upload-remove");
    window.addEventListener("online", function () {
      if (entry.isConnected && !entry.querySelector("input[name=uploads]")) {
        entry.querySelector("[data-krk-upload-remove]").remove();
        entry.krkFile = null;
        send(input, entry, file);
      }
    }, { once: true });
  }

  function enhance(input) {
    var form = input.form;
    var list = form.querySelector("[data-krk-upload-list]");
    if (!list) {
      return;
    }
    input.addEventListener("change", function () {
      var kept = list.querySelectorAll("[data-krk-upload]").length;
      var message = photos.problem(input, input.files, kept);
      photos.say(input, message);
      if (message || !input.files.length) {
        return;
      }
      var picked = Array.prototype.slice.call(input.files);
      var entries = picked.map(function (file) {
        return item(list, file);
      });
      // The files now travel on their own: the form must not post them again. They count
      // as on their way from now: a Kirim pressed while they are still being shrunk waits.
      input.value = "";
      entries.forEach(function (entry) {
        entry.krkSending = true;
      });
      photos.shrink(input, picked).then(function (small) {
        small.forEach(function (file, index) {
          if (navigator.onLine) {
            send(input, entries[index], file);
          } else {
            entries[index].krkSending = false;
            keepForLater(input, entries[index], file);
            form.dispatchEvent(new CustomEvent("krk-upload-done"));
          }
        });
      });
    });
    list.addEventListener("click", function (event) {
      var remove = event.target.closest("[data-krk-upload-remove]");
      if (remove) {
        remove.closest("[data-krk-upload]").remove();
        photos.say(input, "");
      }
    });
    form.addEventListener("submit", function (event) {
      var entries = Array.prototype.slice.call(list.querySelectorAll("[data-krk-upload]"));
      var failed = entries.filter(function (entry) {
        return entry.classList.contains("krk-upload-failed");
      });
      if (failed.length) {
        event.preventDefault();
        failed[0].querySelector("button").focus();
        return;
      }
      var sending = entries.some(function (entry) {
        return entry.krkSending;
      });
      if (sending) {
        // Send the form once the last photo is up (or has failed, and says so).
        event.preventDefault();
        form.addEventListener(
          "krk-upload-done",
          function retry() {
            if (!entries.some(function (entry) { return entry.krkSending; })) {
              form.removeEventListener("krk-upload-done", retry);
              form.requestSubmit(event.submitter || undefined);
            }
          }
        );
      }
    });
  }

  document.querySelectorAll("input[type=file][data-krk-upload-url]").forEach(function (input) {
    if (input.form) {
      enhance(input);
    }
  });
})();

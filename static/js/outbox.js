// The patrol outbox (issue 13), on every page of an officer who logs patrols; the portal
// works fully without this file.
// - Registers the service worker (sw.js) that lets Catat Patroli open with no signal.
// - With no connection, "Simpan patroli" keeps the patrol (its fields and shrunk
//   photos) in IndexedDB instead, under the signed-in officer: another officer on the
//   same phone neither sees nor sends it.
// - When the connection returns (the online event, a page load, Background Sync), each
//   waiting patrol is posted once to Catat Patroli itself, with its client id as the
//   idempotency key, so the server's own validation decides: sent (with a link),
//   refused (with the server's reason, editable), or the session ended (sign in again,
//   then it sends).
// - Kotak Keluar lists them; the menu shows how many wait; signing out with waiting
//   patrols asks first.
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !window.indexedDB) {
    return;
  }
  var config = script.dataset;
  var officer = config.krkOfficer;
  var DB_NAME = "krk-outbox";
  var STORE = "patrols";
  var LEFT_OUT = ["csrfmiddlewaretoken", "photos", "idempotency_key"];

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.krkWorker, { scope: "/" }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data === "krk-outbox-send") {
        sendAll();
      }
    });
  }

  // IndexedDB, promised.
  function database() {
    return new Promise(function (resolve, reject) {
      var opening = indexedDB.open(DB_NAME, 1);
      opening.onupgradeneeded = function () {
        opening.result.createObjectStore(STORE, { keyPath: "id" }).createIndex("officer", "officer");
      };
      opening.onsuccess = function () {
        resolve(opening.result);
      };
      opening.onerror = function () {
        reject(opening.error);
      };
    });
  }

  function run(mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var result = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () {
          resolve(result && "result" in result ? result.result : undefined);
        };
        transaction.onerror = function () {
          reject(transaction.error);
        };
      });
    });
  }

  function mine() {
    return run("readonly", function (store) {
      return store.index("officer").getAll(officer);
    }).then(function (records) {
      return (records || []).sort(function (a, b) {
        return a.created - b.created;
      });
    });
  }

  function put(record) {
    return run("readwrite", function (store) {
      store.put(record);
    }).then(function () {
      changed();
    });
  }

  function remove(id) {
    return run("readwrite", function (store) {
      store.delete(id);
    }).then(changed);
  }

  function waiting(records) {
    return records.filter(function (record) {
      return record.state !== "sent";
    });
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (byte) {
      return (byte + 256).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // How many wait, once the page has counted them (showBadge).
  var waitingCount = null;

  // The menu badges (on the outbox's links and on the closed menu, _nav.html): how many
  // patrols wait on this phone for this officer.
  function showBadge() {
    return mine().then(function (records) {
      var count = waiting(records).length;
      waitingCount = count;
      document.querySelectorAll('a[href="' + config.krkOutboxUrl + '"]').forEach(function (link) {
        if (!link.querySelector("[data-krk-outbox-badge]")) {
          var badge = document.createElement("span");
          badge.className = "badge rounded-pill text-bg-warning ms-1";
          badge.setAttribute("data-krk-outbox-badge", "");
          link.appendChild(badge);
        }
      });
      document.querySelectorAll("[data-krk-outbox-badge]").forEach(function (badge) {
        badge.textContent = count ? String(count) : "";
        badge.hidden = !count;
        if (count && badge.dataset.krkOutboxLabel) {
          var label = document.createElement("span");
          label.className = "visually-hidden";
          label.textContent = " " + badge.dataset.krkOutboxLabel;
          badge.appendChild(label);
        }
      });
      return count;
    });
  }

  function changed() {
    showBadge();
    renderList();
  }

  // Saving a patrol with no connection.
  function describe(form, fields) {
    var village = form.elements.village;
    var started = fields.filter(function (pair) {
      return pair[0] === "started_at";
    })[0];
    return [
      village && village.selectedIndex >= 0 ? village.options[village.selectedIndex].text : "",
      started ? started[1].replace("T", " ") : "",
    ]
      .filter(Boolean)
      .join(" · ");
  }

  function fieldsOf(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (LEFT_OUT.indexOf(name) === -1 && typeof value === "string") {
        fields.push([name, value]);
      }
    });
    return fields;
  }

  // "How long was the patrol? It ended now" means now when it is saved, not when it is
  // sent hours later: the patrol is kept with the start and end that choice stands for,
  // as if "Other" had been chosen (so that editing it shows them). Times are in the
  // portal's zone (WIB), whatever the phone's.
  function timesFromDuration(form, fields) {
    var block = form.querySelector("[data-krk-shown-by=duration]");
    var chosen = form.querySelector("input[name=duration]:checked");
    if (!block || !chosen || chosen.value === block.dataset.krkShownFor) {
      return fields;
    }
    var ended = Math.floor(Date.now() / 60000) * 60000;
    var started = ended - parseInt(chosen.value, 10) * 60000;
    return fields
      .filter(function (pair) {
        return ["duration", "started_at", "ended_at"].indexOf(pair[0]) === -1;
      })
      .concat([
        ["duration", block.dataset.krkShownFor],
        ["started_at", portalTime(started)],
        ["ended_at", portalTime(ended)],
      ]);
  }

  // A moment as a datetime-local value in the portal's time zone.
  function portalTime(moment) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: config.krkTimeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    })
      .formatToParts(new Date(moment))
      .forEach(function (part) {
        parts[part.type] = part.value;
      });
    return parts.year + "-" + parts.month + "-" + parts.day + "T" + parts.hour + ":" + parts.minute;
  }

  // Choices that show or hide part of the form (portal.js) follow a reset or a refill.
  function choicesChanged(form) {
    form.querySelectorAll("input[type=radio]:checked").forEach(function (radio) {
      radio.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function photosOf(form) {
    var files = [];
    form.querySelectorAll("[data-krk-upload]").forEach(function (entry) {
      if (entry.krkFile) {
        files.push(entry.krkFile);
      }
    });
    return files;
  }

  function editing() {
    var match = /^#outbox-(.+)$/.exec(location.hash);
    return match ? match[1] : null;
  }

  function enhanceForm(form) {
    var id = editing();
    var kept = null;
    if (id) {
      run("readonly", function (store) {
        return store.get(id);
      }).then(function (record) {
        if (record && record.officer === officer && record.state !== "sent") {
          kept = record;
          fill(form, record.fields);
          choicesChanged(form);
        }
      });
    }
    form.addEventListener("submit", function (event) {
      if (navigator.onLine && !kept) {
        return; // sent as usual
      }
      event.preventDefault();
      var photos = photosOf(form);
      var fields = timesFromDuration(form, fieldsOf(form));
      var record = {
        id: kept ? kept.id : newId(),
        officer: officer,
        created: kept ? kept.created : Date.now(),
        state: "waiting",
        title: describe(form, fields),
        fields: fields,
        photos: photos.length || !kept ? photos : kept.photos,
      };
      put(record).then(function () {
        if (kept) {
          location.href = config.krkOutboxUrl;
          return;
        }
        form.reset();
        choicesChanged(form);
        form.querySelectorAll("[data-krk-upload]").forEach(function (entry) {
          entry.remove();
        });
        var saved = document.querySelector("[data-krk-outbox-saved]");
        if (saved) {
          saved.hidden = false;
          saved.scrollIntoView();
        }
        askForSync();
        sendAll();
      });
    });
    if (!navigator.onLine) {
      showOfflineCopy();
    }
  }

  function fill(form, fields) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || LEFT_OUT.indexOf(field.name) !== -1 || field.type === "file") {
        return;
      }
      var values = fields
        .filter(function (pair) {
          return pair[0] === field.name;
        })
        .map(function (pair) {
          return pair[1];
        });
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values.indexOf(field.value) !== -1;
      } else if (field.multiple) {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = values.indexOf(option.value) !== -1;
        });
      } else if (values.length) {
        field.value = values[0];
      }
    });
  }

  function showOfflineCopy() {
    var note = document.querySelector("[data-krk-offline-copy]");
    if (!note || !window.caches) {
      return;
    }
    caches
      .open("krk-officer-" + officer)
      .then(function (cache) {
        return cache.match(config.krkLogUrl);
      })
      .then(function (response) {
        var stored = response && response.headers.get("X-KRK-Stored-At");
        if (stored) {
          note.querySelector("[data-krk-offline-date]").textContent = new Date(stored).toLocaleString();
          note.hidden = false;
        }
      });
  }

  function askForSync() {
    if ("serviceWorker" in navigator && window.SyncManager) {
      navigator.serviceWorker.ready
        .then(function (registration) {
          return registration.sync.register("krk-outbox");
        })
        .catch(function () {});
    }
  }

  // Sending.
  function csrfToken() {
    var match = /(?:^|;\s*)(?:__Host-)?csrftoken=([^;]+)/.exec(document.cookie);
    if (match) {
      return match[1];
    }
    var field = document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function reasons(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var found = [];
    page.querySelectorAll("form .invalid-feedback, form .alert-danger, form .errorlist").forEach(function (node) {
      var text = node.textContent.trim();
      if (text && found.indexOf(text) === -1) {
        found.push(text);
      }
    });
    return found.join(" ");
  }

  var sending = false;

  function sendAll() {
    if (sending || !navigator.onLine) {
      return Promise.resolve();
    }
    sending = true;
    return mine()
      .then(function (records) {
        var queue = records.filter(function (record) {
          return record.state === "waiting" || record.state === "sending";
        });
        return queue.reduce(function (previous, record) {
          return previous.then(function (goOn) {
            return goOn === false ? false : send(record);
          });
        }, Promise.resolve(true));
      })
      .then(
        function () {
          sending = false;
        },
        function () {
          sending = false;
        }
      );
  }

  // Resolves false when sending should stop (no connection, session ended).
  function send(record) {
    record.state = "sending";
    record.progress = 0;
    return put(record).then(function () {
      return new Promise(function (resolve) {
        var body = new FormData();
        record.fields.forEach(function (pair) {
          body.append(pair[0], pair[1]);
        });
        body.append("csrfmiddlewaretoken", csrfToken());
        body.append("idempotency_key", record.id);
        (record.photos || []).forEach(function (photo) {
          body.append("photos", photo, photo.name || "foto.jpg");
        });
        var request = new XMLHttpRequest();
        request.open("POST", config.krkLogUrl);
        request.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) {
            record.progress = Math.round((100 * event.loaded) / event.total);
            renderProgress(record);
          }
        });
        request.addEventListener("loadend", function () {
          var landed = request.responseURL ? new URL(request.responseURL) : null;
          if (!request.status || !landed) {
            record.state = "waiting"; // no answer: try again later, the key keeps it single
            put(record).then(function () {
              resolve(false);
            });
          } else if (landed.pathname === config.krkLoginUrl || request.status === 403) {
            // The session ended (or its CSRF cookie went with it): sign in again, then it sends.
            record.state = "waiting";
            put(record).then(function () {
              var signIn = document.querySelector("[data-krk-outbox-signin]");
              if (signIn) {
                signIn.hidden = false;
              }
              resolve(false);
            });
          } else if (request.status === 200 && landed.pathname === config.krkLogUrl) {
            record.state = "refused";
            record.reason = reasons(request.responseText);
            put(record).then(function () {
              resolve(true);
            });
          } else if (request.status === 200) {
            record.state = "sent";
            record.link = landed.pathname;
            record.photos = [];
            put(record).then(function () {
              resolve(true);
            });
          } else {
            record.state = "refused";
            record.reason = request.status + " " + request.statusText;
            put(record).then(function () {
              resolve(true);
            });
          }
        });
        request.send(body);
      });
    });
  }

  // Kotak Keluar.
  var list = document.querySelector("[data-krk-outbox-list]");

  function renderProgress(record) {
    var bar = list && list.querySelector('[data-krk-outbox-id="' + record.id + '"] progress');
    if (bar) {
      bar.value = record.progress;
    }
  }

  function action(entry, label, handler) {
    var control = document.createElement("button");
    control.type = "button";
    control.className = "btn btn-outline-secondary btn-sm me-2";
    control.textContent = label;
    control.addEventListener("click", handler);
    entry.appendChild(control);
  }

  function renderList() {
    if (!list) {
      return;
    }
    mine().then(function (records) {
      var labels = list.dataset;
      list.textContent = "";
      document.querySelector("[data-krk-outbox-empty]").hidden = records.length > 0;
      records.forEach(function (record) {
        var entry = document.createElement("li");
        entry.className = "border rounded p-2 mb-2";
        entry.setAttribute("data-krk-outbox-id", record.id);
        entry.setAttribute("data-krk-outbox-state", record.state);
        var title = document.createElement("strong");
        title.className = "d-block";
        title.textContent = record.title || record.id;
        var state = document.createElement("span");
        state.className = "d-block small";
        var stateKey = "krk" + record.state.charAt(0).toUpperCase() + record.state.slice(1);
        state.textContent =
          labels[stateKey] + (record.photos && record.photos.length ? " · " + record.photos.length + " " + labels.krkPhotos : "");
        entry.append(title, state);
        if (record.state === "sending") {
          var bar = document.createElement("progress");
          bar.max = 100;
          bar.value = record.progress || 0;
          bar.className = "d-block w-100";
          entry.appendChild(bar);
        }
        if (record.state === "refused" && record.reason) {
          var reason = document.createElement("p");
          reason.className = "small text-danger mb-1";
          reason.setAttribute("data-krk-outbox-reason", "");
          reason.textContent = record.reason;
          entry.appendChild(reason);
        }
        if (record.state === "sent" && record.link) {
          var link = document.createElement("a");
          link.href = record.link;
          link.className = "d-block small mb-1";
          link.textContent = labels.krkOpen;
          entry.appendChild(link);
        }
        if (record.state === "waiting" || record.state === "refused") {
          action(entry, labels.krkEdit, function () {
            location.href = config.krkLogUrl + "#outbox-" + record.id;
          });
        }
        if (record.state !== "sending") {
          action(entry, labels.krkDelete, function () {
            if (record.state === "sent" || window.confirm(labels.krkConfirmDelete)) {
              remove(record.id);
            }
          });
        }
        list.appendChild(entry);
      });
    });
    var sendButton = document.querySelector("[data-krk-outbox-send]");
    if (sendButton && !sendButton.krkBound) {
      sendButton.krkBound = true;
      sendButton.addEventListener("click", function () {
        mine().then(function (records) {
          // A refused patrol the officer has looked at may be tried again as it is.
          return Promise.all(
            records
              .filter(function (record) {
                return record.state === "refused";
              })
              .map(function (record) {
                record.state = "waiting";
                return put(record);
              })
          );
        }).then(sendAll);
      });
    }
  }

  // Signing out with patrols still waiting asks first, at once (a question after the
  // click would race the sign-out). Before the page has counted them (its first moment)
  // it does not ask: nothing is lost, they are sent at this officer's next sign-in.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!form.matches || !form.matches("form[data-krk-signout]") || !waitingCount) {
        return;
      }
      if (!window.confirm(config.krkSignoutWarning)) {
        event.preventDefault();
      }
    },
    true
  );

  var patrolForm = document.querySelector("form[data-krk-outbox-form]");
  if (patrolForm) {
    enhanceForm(patrolForm);
  }
  window.addEventListener("online", sendAll);
  changed();
  sendAll();
})();

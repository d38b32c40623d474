// Patrol form enhancements; the form works fully without this file.
// 1. "Use my location" fills latitude/longitude from the phone's GPS.
// 2. Photo choice is checked before a slow upload: too many or too large files are refused at once.
// 3. The team leader is not offered again among the other officers.
(function () {
  "use strict";

  var leader = document.getElementById("id_leader");
  if (leader) {
    var hideLeader = function () {
      document.querySelectorAll("input[name=members]").forEach(function (box) {
        var isLeader = box.value === leader.value;
        if (isLeader) { box.checked = false; }
        box.closest(".form-check").hidden = isLeader;
      });
    };
    leader.addEventListener("change", hideLeader);
    hideLeader();
  }

  var button = document.querySelector("[data-krk-gps]");
  var latitude = document.getElementById("id_latitude");
  var longitude = document.getElementById("id_longitude");
  if (button && latitude && longitude && "geolocation" in navigator) {
    var status = document.querySelector("[data-krk-gps-status]");
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = button.dataset.krkGpsBusy;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          latitude.value = position.coords.latitude.toFixed(6);
          longitude.value = position.coords.longitude.toFixed(6);
          status.textContent = "± " + Math.round(position.coords.accuracy) + " m";
          button.disabled = false;
        },
        function () {
          status.textContent = button.dataset.krkGpsFailed;
          button.disabled = false;
        },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
      );
    });
  }

  var photos = document.querySelector("input[type=file][data-krk-max-files]");
  if (photos) {
    photos.addEventListener("change", function () {
      var maxFiles = parseInt(photos.dataset.krkMaxFiles, 10);
      var maxBytes = parseInt(photos.dataset.krkMaxBytes, 10);
      var message = "";
      if (photos.files.length > maxFiles) {
        message = photos.dataset.krkTooMany;
      } else {
        for (var i = 0; i < photos.files.length; i++) {
          if (photos.files[i].size > maxBytes) {
            message = photos.files[i].name + ": " + photos.dataset.krkTooLarge;
            break;
          }
        }
      }
      photos.setCustomValidity(message);
      photos.reportValidity();
    });
  }
})();

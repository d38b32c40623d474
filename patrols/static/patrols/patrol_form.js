// Patrol form enhancements; the form works fully without this file.
// 1. "Use my location" fills latitude/longitude from the phone's GPS.
// 2. The team leader is not offered again among the other officers.
// (Photos are checked and shrunk by static/js/photos.js.)
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
})();

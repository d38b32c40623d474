// Shows a patrol's map point on a Leaflet map; without JavaScript the page shows the
// coordinates and map links instead.
(function () {
  "use strict";
  var box = document.querySelector("[data-krk-map]");
  if (!box || typeof L === "undefined") return;
  var point = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
  box.classList.remove("d-none");
  var map = L.map(box, { scrollWheelZoom: false }).setView(point, 16);
  L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
  L.marker(point, { title: box.dataset.label }).addTo(map);
})();

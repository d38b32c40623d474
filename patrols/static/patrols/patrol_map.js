// Shows a patrol's map point on a Leaflet map over the deployment's tile server; without
// JavaScript (or without a tile server) the page shows the coordinates and map links.
// The point is a vector circle: Leaflet's default marker images are not found under
// hashed static names. No attribution prefix (Leaflet's carries a flag).
(function () {
  "use strict";
  var box = document.querySelector("[data-krk-map]");
  if (!box || typeof L === "undefined") return;
  var point = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
  box.classList.remove("d-none");
  var map = L.map(box, { scrollWheelZoom: false }).setView(point, 16);
  map.attributionControl.setPrefix(false);
  L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
  L.circleMarker(point, { radius: 9, color: "#ffffff", weight: 2, fillColor: "#102a5c", fillOpacity: 1 })
    .bindTooltip(box.dataset.label)
    .addTo(map);
})();

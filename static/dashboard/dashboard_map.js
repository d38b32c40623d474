// The coverage map: the villages as coloured circles from the portal's own data, on a
// plain background, or over the deployment's tile server when KRK_TILE_URL names one
// (no request leaves the portal otherwise). Without JavaScript the server-drawn SVG
// map stays. No attribution prefix (Leaflet's carries a flag).
(function () {
  "use strict";
  var box = document.getElementById("krk-coverage-map");
  var data = document.getElementById("krk-map-points");
  if (!box || !data || typeof L === "undefined") return;
  var points = JSON.parse(data.textContent);
  if (!points.length) return;
  var colours = { ok: "#198754", due: "#ffc107", overdue: "#dc3545", never: "#212529" };
  var fallback = document.querySelector(".krk-svgmap");
  if (fallback) fallback.classList.add("d-none", "d-print-block");
  box.classList.remove("d-none");
  box.classList.add("d-print-none");
  var map = L.map(box, { scrollWheelZoom: false });
  map.attributionControl.setPrefix(false);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 18, attribution: box.dataset.attribution }).addTo(map);
  }
  var bounds = [];
  points.forEach(function (point) {
    var latlng = [point.lat, point.lon];
    bounds.push(latlng);
    var marker = L.circleMarker(latlng, {
      radius: 10,
      color: "#ffffff",
      weight: 2,
      fillColor: colours[point.state] || "#6c757d",
      fillOpacity: 0.9,
    }).addTo(map);
    var popup = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = point.name;
    popup.appendChild(title);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(point.label));
    if (point.url) {
      popup.appendChild(document.createElement("br"));
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = box.dataset.popupLink + ": " + point.patrols;
      popup.appendChild(link);
    }
    marker.bindPopup(popup);
    marker.bindTooltip(point.name);
  });
  map.fitBounds(bounds, { padding: [24, 24] });
})();

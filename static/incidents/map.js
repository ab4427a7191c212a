// The maps: /map/ (#incident-map: clusters or incidents of the viewport, asked of the server's map data endpoint)
// and each incident's small map (.incident-minimap: its point or uncertainty area). Everything the reader sees in
// words comes from the page's data- attributes or the JSON (translated on the server); nothing is written here.
// Uncertainty is drawn, not hidden: a "point" is a solid dot, an "area" a shaded circle of its radius in metres
// (with a dashed ring at its centre, so it can be found and clicked at any zoom), "country" a hatched square.
(function () {
  "use strict";
  if (!window.L) { return; }

  var COLOURS = { point: "#b3261e", area: "#b3261e", outline: "#7a8794", land: "#eef1f4" };

  function words(element, name, values) {
    var text = element.dataset["label" + name] || "";
    Object.keys(values || {}).forEach(function (key) { text = text.split("{" + key + "}").join(values[key]); });
    return text;
  }

  function formatCount(number) {
    return Number(number).toLocaleString(document.documentElement.lang || undefined);
  }

  // The background: tiles when a tile URL is set and they load; else (or on the first tile error) the country
  // outlines shipped with the site (Natural Earth, public domain), so the map keeps its context offline.
  function addBackground(map, element, onOutlinesOnly) {
    var outlinesShown = false;
    function showOutlines() {
      if (outlinesShown || !element.dataset.outlines || !window.topojson) { return; }
      outlinesShown = true;
      element.classList.add("outlines-only");
      if (onOutlinesOnly) { onOutlinesOnly(); }
      fetch(element.dataset.outlines).then(function (response) { return response.json(); }).then(function (topology) {
        var countries = window.topojson.feature(topology, topology.objects.countries);
        L.geoJSON(countries, {
          pane: "tilePane", interactive: false,
          style: { color: COLOURS.outline, weight: 1, fillColor: COLOURS.land, fillOpacity: 1 }
        }).addTo(map);
      });
    }
    if (element.dataset.tiles) {
      var tiles = L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution || "", maxZoom: 19 });
      tiles.on("tileerror", showOutlines);
      tiles.addTo(map);
    } else {
      showOutlines();
    }
  }

  function countryIcon(count) {
    var icon = document.createElement("span");
    icon.textContent = formatCount(count);
    return L.divIcon({ className: "map-country-only", html: icon, iconSize: [40, 40] });
  }

  function clusterIcon(count) {
    var size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 44 : count < 10000 ? 52 : 60;
    var icon = document.createElement("span");
    icon.textContent = formatCount(count);
    return L.divIcon({ className: "map-cluster", html: icon, iconSize: [size, size] });
  }

  function fact(list, term, value) {
    var dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = term;
    dd.textContent = value;
    list.appendChild(dt);
    list.appendChild(dd);
  }

  // One incident's popup: code and title, date with its precision, place and how well it is known, the ranges
  // as the pages write them (an open top stays open: "12+"), the grade and a link to the page.
  function incidentPopup(element, incident) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var heading = document.createElement("p");
    var code = document.createElement("strong");
    code.textContent = incident.code;
    heading.appendChild(code);
    heading.appendChild(document.createTextNode(" " + incident.title));
    box.appendChild(heading);
    var list = document.createElement("dl");
    fact(list, words(element, "Date"), incident.date + " (" + incident.date_precision + ")");
    fact(list, words(element, "Place"), incident.place);
    fact(list, words(element, "Location"), incident.precision_words);
    fact(list, words(element, "Reported"), incident.reported);
    fact(list, words(element, "Conceded"), incident.conceded || words(element, "NoConceded"));
    fact(list, words(element, "Grade"), incident.grade_label || words(element, "NotGraded"));
    box.appendChild(list);
    var link = document.createElement("a");
    link.href = incident.url;
    link.textContent = words(element, "Open");
    box.appendChild(link);
    return box;
  }

  // An incident drawn as precisely as it is known; returns its layers.
  function incidentLayers(incident) {
    var at = [incident.lat, incident.lon];
    if (incident.shape === "area") {
      return [
        L.circle(at, { radius: incident.radius_m, className: "map-area precision-" + incident.precision,
                       color: COLOURS.area, weight: 1, fillOpacity: 0.15 }),
        L.circleMarker(at, { radius: 6, className: "map-area-centre", color: COLOURS.area, weight: 2,
                             dashArray: "3 3", fillOpacity: 0 })
      ];
    }
    return [L.circleMarker(at, { radius: 6, className: "map-point precision-" + incident.precision,
                                 color: "#fff", weight: 2, fillColor: COLOURS.point, fillOpacity: 1 })];
  }

  function countryGroupPopup(element, group) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var text = document.createElement("p");
    text.textContent = words(element, "CountryOnly", { count: formatCount(group.count), name: group.name });
    box.appendChild(text);
    var link = document.createElement("a");
    link.href = group.list_url;
    link.textContent = words(element, "SeeList");
    box.appendChild(link);
    return box;
  }

  function clusterPopup(element, cluster, listUrl) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var text = document.createElement("p");
    text.textContent = words(element, "Cluster", { count: formatCount(cluster.count) });
    box.appendChild(text);
    var link = document.createElement("a");
    link.href = listUrl;
    link.textContent = words(element, "SeeList");
    box.appendChild(link);
    return box;
  }

  function viewParameters(map) {
    var bounds = map.getBounds();
    var clamp = function (value, limit) { return Math.max(-limit, Math.min(limit, value)).toFixed(4); };
    var box = [clamp(bounds.getWest(), 180), clamp(bounds.getSouth(), 90), clamp(bounds.getEast(), 180), clamp(bounds.getNorth(), 90)];
    return "bbox=" + box.join(",") + "&zoom=" + Math.max(0, Math.min(20, Math.round(map.getZoom())));
  }

  // What the first view frames: the incidents' (or clusters' mean) points; a lone cluster frames its cell, since its
  // mean point alone may lie where none of its incidents are.
  function extentOf(data) {
    var points = [];
    data.clusters.forEach(function (c) { points.push([c.lat, c.lon]); });
    data.incidents.forEach(function (i) { points.push([i.lat, i.lon]); });
    data.country_only.forEach(function (g) { points.push([g.lat, g.lon]); });
    if (data.clusters.length === 1 && points.length === 1) {
      var b = data.clusters[0].bounds;
      points = [[b[0], b[1]], [b[2], b[3]]];
    }
    return points.length ? L.latLngBounds(points) : null;
  }

  function startMainMap(element) {
    var status = document.getElementById("map-status");
    var map = L.map(element, { minZoom: 1, maxZoom: 18, worldCopyJump: false }).setView([25, 20], 2);
    var layer = L.featureGroup().addTo(map);
    element.leafletMap = map;  // for tests and the browser's console
    var asked = 0;
    addBackground(map, element, function () {
      element.dataset.outlinesOnly = "yes";
    });

    function say(data) {
      if (!status) { return; }
      var counts = data.counts;
      var first = words(element, data.mode === "clusters" ? "StatusClusters" : "StatusIncidents", { shown: formatCount(counts.in_view) });
      var rest = words(element, "StatusRest", {
        country: formatCount(counts.country_only), unplaced: formatCount(counts.without_coordinates), total: formatCount(counts.total)
      });
      var outlines = element.dataset.outlinesOnly === "yes" ? " " + words(element, "OutlinesOnly") : "";
      status.textContent = first + " " + rest + outlines;
    }

    function draw(data) {
      layer.clearLayers();
      data.clusters.forEach(function (cluster) {
        var marker = L.marker([cluster.lat, cluster.lon], { icon: clusterIcon(cluster.count), title: words(element, "Cluster", { count: formatCount(cluster.count) }) });
        marker.on("click", function () {
          var b = cluster.bounds;
          if (map.getZoom() >= 17) {  // incidents that share one point: no zoom separates them
            marker.bindPopup(function () { return clusterPopup(element, cluster, data.list_url); }).openPopup();
            return;
          }
          map.fitBounds(L.latLngBounds([b[0], b[1]], [b[2], b[3]]), { maxZoom: 18 });
        });
        layer.addLayer(marker);
      });
      // Areas first, so that every point stays on top of them and can be clicked.
      var byShape = data.incidents.filter(function (i) { return i.shape === "area"; })
        .concat(data.incidents.filter(function (i) { return i.shape !== "area"; }));
      byShape.forEach(function (incident) {
        incidentLayers(incident).forEach(function (drawn) {
          drawn.bindPopup(function () { return incidentPopup(element, incident); });
          layer.addLayer(drawn);
        });
      });
      data.country_only.forEach(function (group) {
        var marker = L.marker([group.lat, group.lon], { icon: countryIcon(group.count),
          title: words(element, "CountryOnly", { count: formatCount(group.count), name: group.name }) });
        marker.bindPopup(function () { return countryGroupPopup(element, group); });
        layer.addLayer(marker);
      });
      element.dataset.loaded = data.mode;
      say(data);
    }

    function load(parameters) {
      var mine = ++asked;
      var url = element.dataset.url + (element.dataset.url.indexOf("?") < 0 ? "?" : "&") + parameters;
      if (status && !status.textContent) { status.textContent = words(element, "Loading"); }
      return fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
        .then(function (data) { if (mine === asked) { draw(data); } return data; })
        .catch(function () { if (status) { status.textContent = words(element, "Error"); } });
    }

    // While a popup is open the view is not asked again (opening it may pan the map; a redraw would close it).
    var popupOpen = false;
    map.on("popupopen", function () { popupOpen = true; });
    map.on("popupclose", function () { popupOpen = false; onMove(); });
    var pending = null;
    function onMove() {
      if (popupOpen) { return; }
      window.clearTimeout(pending);
      pending = window.setTimeout(function () { load(viewParameters(map)); }, 150);
    }
    // First the whole world, to frame what matches; then whatever the reader looks at.
    load("").then(function (data) {
      var extent = data && extentOf(data);
      map.on("moveend", onMove);
      if (extent) {
        map.fitBounds(extent.pad(0.2), { maxZoom: 10 });
      }
      onMove();
    });
  }

  function startMiniMap(element) {
    var d = element.dataset;
    var at = [parseFloat(d.lat), parseFloat(d.lon)];
    var map = L.map(element, { scrollWheelZoom: false, minZoom: 1, maxZoom: 18, zoomSnap: 0.5 });
    element.leafletMap = map;
    addBackground(map, element);
    var incident = { lat: at[0], lon: at[1], shape: d.shape, radius_m: parseFloat(d.radius), precision: d.precision };
    if (d.shape === "country") {
      L.marker(at, { icon: L.divIcon({ className: "map-country-only", html: document.createElement("span"), iconSize: [40, 40] }), interactive: false }).addTo(map);
      map.setView(at, 5);
    } else {
      // The view first (a circle needs a map with a view to be drawn): the whole area with a margin, or the point.
      if (d.shape === "area") {
        map.fitBounds(L.latLng(at).toBounds(2 * incident.radius_m).pad(0.4));
      } else {
        map.setView(at, 15);
      }
      incidentLayers(incident).forEach(function (drawn) { drawn.addTo(map); });
    }
    element.dataset.loaded = d.shape;
  }

  function start() {
    var main = document.getElementById("incident-map");
    if (main) { startMainMap(main); }
    document.querySelectorAll(".incident-minimap").forEach(startMiniMap);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());

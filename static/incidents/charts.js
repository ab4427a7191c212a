/* Month-by-month charts (templates/_partials/_charts.html), drawn with the vendored Chart.js from the JSON endpoints.

Every word and month name comes from the JSON (written by the server in the page's language); numbers are written
with the page's language (Intl.NumberFormat of <html lang>). The table under each chart holds the same numbers and
is the chart for a reader without JavaScript or without sight of the canvas.
*/
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }
  var root = document.documentElement;
  var lang = root.lang || undefined;
  var rtl = (root.dir || getComputedStyle(root).direction) === "rtl";
  var number = new Intl.NumberFormat(lang);
  var percent = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  var COLOURS = {
    reported: "#b2182b", reportedBand: "rgba(178, 24, 43, 0.2)",
    conceded: "#1f5fa3", concededBand: "rgba(31, 95, 163, 0.3)",
    share: "#2f7d4f",
    grades: { confirmed: "#8e1b1b", fair: "#d9822b", weak: "#8fa3b8", contested: "#7b4fa6", discounted: "#5f6b77", "": "#d5dae0" }
  };
  var loads = {};

  function load(url) {
    if (!loads[url]) {
      loads[url] = fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      });
    }
    return loads[url];
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

  /* Each month of the axis with its row (undefined for a month with no incident). */
  function monthsOf(data) {
    var rows = {};
    data.months.forEach(function (row) { rows[row.period] = row; });
    return data.axis.map(function (month) { return { month: month, row: rows[month.period] }; });
  }

  function rangeText(row, kind, text) {
    if (!row) {
      return number.format(0);
    }
    var low = row[kind + "_min"], high = row[kind + "_max"];
    if (row[kind + "_open"]) {
      return low === null ? text.no_number : fill(text.at_least, { n: number.format(low) });
    }
    if (low === null && high === null) {
      return text.no_number;
    }
    if (low === null || high === null || low === high) {
      return number.format(low === null ? high : low);
    }
    return number.format(low) + "\u2013" + number.format(high);
  }

  /* The lower and upper edges of a band: 0 for a month with no incident, a gap for "no number", the upper edge held
     at the lower one for a month with no upper bound (marked apart). */
  function edges(months, kind) {
    var low = [], high = [], open = [];
    months.forEach(function (item) {
      var row = item.row;
      if (!row) {
        low.push(0); high.push(0); open.push(null);
        return;
      }
      var min = row[kind + "_min"], max = row[kind + "_max"];
      var bottom = min === null ? max : min;
      low.push(bottom);
      high.push(row[kind + "_open"] || max === null ? bottom : max);
      open.push(row[kind + "_open"] && bottom !== null ? bottom : null);
    });
    return { low: low, high: high, open: open };
  }

  function base(months, data, yTicks) {
    var dense = months.length > 48;
    var long = months.length > 24;
    /* Over a long span, ticks only on Januaries, written as the year, every so many years as the width allows. */
    function yearTick(value, index) {
      var period = months[index].month.period;
      if (period.slice(5) !== "01") {
        return null;
      }
      var step = Math.max(1, Math.ceil((months.length / 12) * 42 / Math.max(this.width, 1)));
      var year = parseInt(period.slice(0, 4), 10);
      return year % step === 0 ? period.slice(0, 4) : null;
    }
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      layout: { padding: { top: 4 } },
      scales: {
        x: {
          reverse: rtl,
          grid: { display: false },
          ticks: long ? { autoSkip: false, maxRotation: 0, callback: yearTick } : { autoSkip: true, maxRotation: 0, autoSkipPadding: 12 }
        },
        y: {
          beginAtZero: true,
          position: rtl ? "right" : "left",
          ticks: { precision: 0, callback: yTicks || function (value) { return number.format(value); } },
          grid: { color: "#e6e9ed" }
        }
      },
      plugins: {
        legend: {
          position: "top", align: "start", rtl: rtl,
          labels: {
            usePointStyle: true, boxHeight: 8,
            filter: function (item, chart) { return !chart.datasets[item.datasetIndex].hideInLegend; }
          }
        },
        tooltip: {
          rtl: rtl,
          callbacks: { title: function (items) { return items.length ? months[items[0].dataIndex].month.label : ""; } }
        }
      },
      elements: { point: { radius: dense ? 0 : 2, hoverRadius: 4 }, line: { borderWidth: 1.5, tension: 0 } }
    };
  }

  function killedChart(canvas, data) {
    var text = data.text, months = monthsOf(data);
    var reported = edges(months, "reported"), conceded = edges(months, "conceded");
    var marker = { type: "line", showLine: false, pointStyle: "triangle", pointRadius: 6, pointHoverRadius: 7, tooltipSkip: true };
    var datasets = [
      { label: text.reported, data: reported.high, borderColor: COLOURS.reported, backgroundColor: COLOURS.reportedBand, fill: "+1", kind: "reported" },
      { label: text.reported, data: reported.low, borderColor: COLOURS.reported, backgroundColor: COLOURS.reportedBand, hideInLegend: true, tooltipSkip: true },
      { label: text.conceded, data: conceded.high, borderColor: COLOURS.conceded, backgroundColor: COLOURS.concededBand, fill: "+1", kind: "conceded", borderWidth: 2 },
      { label: text.conceded, data: conceded.low, borderColor: COLOURS.conceded, backgroundColor: COLOURS.concededBand, hideInLegend: true, tooltipSkip: true, borderWidth: 2 }
    ];
    if (reported.open.some(function (value) { return value !== null; })) {
      datasets.push(Object.assign({ label: text.reported_open, data: reported.open, borderColor: COLOURS.reported, backgroundColor: COLOURS.reported }, marker));
    }
    if (conceded.open.some(function (value) { return value !== null; })) {
      datasets.push(Object.assign({ label: text.conceded_open, data: conceded.open, borderColor: COLOURS.conceded, backgroundColor: COLOURS.conceded }, marker));
    }
    var options = base(months, data);
    options.spanGaps = false;
    options.plugins.tooltip.filter = function (item) { return !item.dataset.tooltipSkip; };
    options.plugins.tooltip.callbacks.label = function (item) {
      return item.dataset.label + ": " + rangeText(months[item.dataIndex].row, item.dataset.kind, text);
    };
    options.plugins.tooltip.callbacks.afterBody = function (items) {
      var row = items.length ? months[items[0].dataIndex].row : null;
      return text.incidents + ": " + number.format(row ? row.incidents : 0);
    };
    return new Chart(canvas, { type: "line", data: { labels: data.axis.map(function (m) { return m.short; }), datasets: datasets }, options: options });
  }

  function gradesChart(canvas, data) {
    var months = monthsOf(data);
    var datasets = data.grades.map(function (grade) {
      return {
        label: grade.label.charAt(0).toUpperCase() + grade.label.slice(1),
        data: months.map(function (item) { return item.row ? item.row.grades[grade.value] : 0; }),
        backgroundColor: COLOURS.grades[grade.value] || "#999",
        borderWidth: 0,
        grade: grade.value
      };
    });
    var options = base(months, data);
    options.scales.x.stacked = true;
    options.scales.y.stacked = true;
    options.plugins.legend.labels.usePointStyle = false;
    options.plugins.legend.labels.boxWidth = 12;
    options.plugins.tooltip.filter = function (item) { return item.raw > 0; };
    options.plugins.tooltip.callbacks.label = function (item) { return item.dataset.label + ": " + number.format(item.raw); };
    options.datasets = { bar: { barPercentage: 1, categoryPercentage: months.length > 48 ? 1 : 0.85 } };
    return new Chart(canvas, { type: "bar", data: { labels: data.axis.map(function (m) { return m.short; }), datasets: datasets }, options: options });
  }

  function shareChart(canvas, data) {
    var text = data.text, months = monthsOf(data);
    var options = base(months, data, function (value) { return percent.format(value / 100); });
    options.scales.y.max = 100;
    options.plugins.legend.display = false;
    options.plugins.tooltip.callbacks.label = function (item) {
      var row = months[item.dataIndex].row;
      if (!row) {
        return fill(text.share_of, { assessed: number.format(0), incidents: number.format(0) });
      }
      return percent.format(row.share) + " \u00b7 " + fill(text.share_of, { assessed: number.format(row.assessed), incidents: number.format(row.incidents) });
    };
    options.datasets = { bar: { barPercentage: 1, categoryPercentage: months.length > 48 ? 1 : 0.85 } };
    var values = months.map(function (item) { return item.row && item.row.share !== null ? Math.round(item.row.share * 1000) / 10 : null; });
    return new Chart(canvas, {
      type: "bar",
      data: { labels: data.axis.map(function (m) { return m.short; }), datasets: [{ label: text.share, data: values, backgroundColor: COLOURS.share, minBarLength: 3 }] },
      options: options
    });
  }

  var DRAW = { killed: killedChart, gap: killedChart, grades: gradesChart, share: shareChart };

  /* The canvases take room only once there is a script to draw them (static/css/charts.css). */
  document.querySelectorAll("section.charts").forEach(function (section) { section.classList.add("charts-drawing"); });
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#1b1f24";

  document.querySelectorAll("figure.chart[data-chart]").forEach(function (figure) {
    var canvas = figure.querySelector("canvas");
    var draw = DRAW[figure.getAttribute("data-chart")];
    if (!canvas || !draw) {
      return;
    }
    load(figure.getAttribute("data-src")).then(function (data) {
      draw(canvas, data);
      figure.classList.add("chart-drawn");
    }).catch(function () {
      var failed = figure.querySelector(".chart-failed");
      if (failed) {
        failed.hidden = false;
      }
      figure.classList.add("chart-not-drawn");
    });
  });
})();

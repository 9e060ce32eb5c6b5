/* Charts of the statistics pages, drawn with Chart.js (served locally) from the JSON the page
   embeds. Every chart has a table with the same figures right after it: the charts are an aid,
   the tables the text alternative. Hidden small numbers are null: gaps in the lines. */
(function () {
  "use strict";
  var source = document.getElementById("donnees-graphiques");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = ["#000091", "#C9191E", "#18753C", "#B34000"];
  var percent = {
    y: { min: 0, max: 100, ticks: { callback: function (v) { return v + " %"; } } }
  };
  function lines(id, series, key) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.months,
        datasets: series.map(function (s, i) {
          return { label: s.label, data: s[key], borderColor: colours[i % colours.length],
                   backgroundColor: colours[i % colours.length], spanGaps: false, tension: 0.2 };
        })
      },
      options: { animation: false, maintainAspectRatio: false, scales: percent }
    });
  }
  lines("graphique-presence", data.attendance, "attendance");
  lines("graphique-sms", data.delivery, "delivery");
  var goLive = document.getElementById("graphique-mise-en-service");
  if (goLive && data.go_live.labels.length) {
    new Chart(goLive, {
      type: "bar",
      data: {
        labels: data.go_live.labels,
        datasets: [
          { label: "Avant la mise en service", data: data.go_live.before, backgroundColor: "#929292" },
          { label: "Après la mise en service", data: data.go_live.after, backgroundColor: "#000091" }
        ]
      },
      options: { animation: false, maintainAspectRatio: false, scales: percent }
    });
  }
}());

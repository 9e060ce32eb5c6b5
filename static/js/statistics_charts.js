/* Charts of the statistics pages, drawn with Chart.js (served locally) from the JSON the page
   embeds. Every chart has a table with the same figures right after it: the charts are an aid,
   the tables the text alternative (they carry the same go-live marks and the same words for a
   missing figure). Hidden small numbers are null: gaps in the lines. */
(function () {
  "use strict";
  var source = document.getElementById("donnees-graphiques");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = ["#000091", "#C9191E", "#18753C", "#B34000"];
  var percent = {
    y: { min: 0, max: 100, ticks: { callback: function (v) { return v + " %"; } } }
  };
  // A dashed vertical line, with its words, on each month where a jurisdiction went live.
  var goLiveMarks = {
    id: "goLiveMarks",
    afterDatasetsDraw: function (chart) {
      var marks = data.marks || [];
      if (!marks.length) { return; }
      var x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = "#18753C";
      ctx.fillStyle = "#18753C";
      ctx.setLineDash([6, 4]);
      ctx.font = "12px Marianne, arial, sans-serif";
      ctx.textAlign = "center";
      marks.forEach(function (mark) {
        var position = x.getPixelForValue(mark.index);
        ctx.beginPath();
        ctx.moveTo(position, area.top + 14);
        ctx.lineTo(position, area.bottom);
        ctx.stroke();
        ctx.fillText(mark.label, position, area.top + 10);
      });
      ctx.restore();
    }
  };
  // Words where a bar is missing ("pas encore de données après la mise en service", "< 10 pers.").
  var missingBars = {
    id: "missingBars",
    afterDatasetsDraw: function (chart) {
      var notes = [data.go_live.before_notes || [], data.go_live.after_notes || []];
      var ctx = chart.ctx, area = chart.chartArea;
      ctx.save();
      ctx.fillStyle = "#3A3A3A";
      ctx.font = "11px Marianne, arial, sans-serif";
      ctx.textAlign = "left";
      notes.forEach(function (list, datasetIndex) {
        var meta = chart.getDatasetMeta(datasetIndex);
        list.forEach(function (note, index) {
          if (!note || !meta.data[index]) { return; }
          var bar = meta.data[index];
          ctx.save();
          ctx.translate(bar.x + 4, area.bottom - 6);
          ctx.rotate(-Math.PI / 2);
          ctx.fillText(note, 0, 0);
          ctx.restore();
        });
      });
      ctx.restore();
    }
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
      options: { animation: false, maintainAspectRatio: false, scales: percent },
      plugins: [goLiveMarks]
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
      options: { animation: false, maintainAspectRatio: false, scales: percent },
      plugins: [missingBars]
    });
  }
}());

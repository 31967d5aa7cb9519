// Polls GET /v1/queues and draws the depth and rate history of every queue with uPlot.
(function () {
  const HISTORY = 150;           // points kept: 5 minutes at one poll every 2 s
  const times = [];
  const depth = new Map();       // queue -> depth samples aligned with times
  const ingest = new Map();
  const drain = new Map();
  let depthChart = null;
  let rateChart = null;
  let chartQueues = "";

  function cell(text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function number(v) {
    return v === undefined || v === null ? "–" : (Math.round(v * 10) / 10).toLocaleString();
  }

  function push(series, name, value) {
    if (!series.has(name)) series.set(name, new Array(times.length - 1).fill(null));
    series.get(name).push(value === undefined ? null : value);
  }

  function trim() {
    while (times.length > HISTORY) {
      times.shift();
      for (const s of [depth, ingest, drain]) for (const v of s.values()) v.shift();
    }
  }

  function options(title, series) {
    return {
      title: title, width: 560, height: 260,
      scales: { x: { time: true } },
      series: [{}].concat(series.map((label, i) => ({
        label: label, width: 2, stroke: ["#2f6fde", "#e8702a", "#2e9e5b", "#a24bcf", "#c9a227"][i % 5]
      })))
    };
  }

  function redraw(names) {
    const key = names.join(",");
    if (key !== chartQueues) {
      chartQueues = key;
      document.getElementById("depth").innerHTML = "";
      document.getElementById("rates").innerHTML = "";
      depthChart = new uPlot(options("depth (ready messages)", names), null, document.getElementById("depth"));
      const rateLabels = names.flatMap(n => [n + " ingest/s", n + " drain/s"]);
      rateChart = new uPlot(options("rates (tasks/s)", rateLabels), null, document.getElementById("rates"));
    }
    depthChart.setData([times].concat(names.map(n => depth.get(n))));
    rateChart.setData([times].concat(names.flatMap(n => [ingest.get(n), drain.get(n)])));
  }

  async function poll() {
    try {
      const response = await fetch("/v1/queues", { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error("GET /v1/queues answered " + response.status);
      const body = await response.json();
      const queues = Array.isArray(body) ? body : body.queues;
      times.push(Date.now() / 1000);
      const rows = document.getElementById("rows");
      rows.innerHTML = "";
      for (const q of queues) {
        push(depth, q.name, q.depth);
        push(ingest, q.name, q.ingestRate);
        push(drain, q.name, q.drainRate);
        const tr = document.createElement("tr");
        tr.append(cell(q.name), cell(number(q.depth)), cell(number(q.maxLength)), cell(number(q.consumers)),
          cell(number(q.deadLetterDepth), q.deadLetterDepth > 0 ? "warn" : ""),
          cell(number(q.ingestRate)), cell(number(q.drainRate)));
        rows.append(tr);
      }
      trim();
      redraw(queues.map(q => q.name));
      document.getElementById("error").textContent = "";
    } catch (e) {
      document.getElementById("error").textContent = e.message;
    }
  }

  poll();
  setInterval(poll, 2000);
})();

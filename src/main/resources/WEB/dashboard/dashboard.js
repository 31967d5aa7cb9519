// Polls GET /v1/queues (and each queue's limits, and the task wait timer in /metrics) and draws the depth and rate
// history of every queue with uPlot. Each value cell carries data-field and data-value (the raw number), which the
// browser test reads.
(function () {
  const HISTORY = 150;           // points kept: 5 minutes at one poll every 2 s
  const times = [];
  const depth = new Map();       // queue -> depth samples aligned with times
  const ingest = new Map();
  const drain = new Map();
  let depthChart = null;
  let rateChart = null;
  let chartQueues = "";

  const waits = new Map();       // queue -> {sum, count} of levee_task_wait_seconds at the last poll

  function cell(text, cls, field, value) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    if (field) td.dataset.field = field;
    if (value !== undefined && value !== null) td.dataset.value = value;
    return td;
  }

  // Mean wait of the tasks started since the last poll, from the timer's _sum and _count; null when none started
  // or /metrics cannot be read.
  async function meanWaits() {
    const result = new Map();
    try {
      const response = await fetch("/metrics?scope=application", { headers: { Accept: "text/plain" } });
      if (!response.ok) return result;
      const now = new Map();
      for (const line of (await response.text()).split("\n")) {
        const m = line.match(/^levee_task_wait_seconds_(sum|count)\{([^}]*)\}\s+(\S+)/);
        const q = m && m[2].match(/queue="([^"]*)"/);
        if (!q) continue;
        const entry = now.get(q[1]) || { sum: 0, count: 0 };
        entry[m[1]] = Number(m[3]);
        now.set(q[1], entry);
      }
      for (const [queue, w] of now) {
        const before = waits.get(queue);
        if (before && w.count > before.count) result.set(queue, (w.sum - before.sum) / (w.count - before.count));
        waits.set(queue, w);
      }
    } catch (e) {
      // No wait column then; the rest of the page does not depend on it.
    }
    return result;
  }

  async function limits(queue) {
    try {
      const response = await fetch("/v1/queues/" + encodeURIComponent(queue) + "/limits",
        { headers: { Accept: "application/json" } });
      if (!response.ok) return "–";
      const c = (await response.json()).current || {};
      const parts = [];
      if (c.ingestMaxRate) parts.push("ingest ≤ " + number(c.ingestMaxRate) + "/s");
      if (c.deliveryMaxRate) parts.push("delivery ≤ " + number(c.deliveryMaxRate) + "/s");
      if (c.deliveryMaxInFlight) parts.push(number(c.deliveryMaxInFlight) + " in flight");
      return parts.length ? parts.join(", ") : "none";
    } catch (e) {
      return "–";
    }
  }

  function seconds(v) {
    if (v === undefined || v === null) return "–";
    return v < 1 ? Math.round(v * 1000) + " ms" : (Math.round(v * 10) / 10) + " s";
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
      const [wait, limit] = await Promise.all([meanWaits(), Promise.all(queues.map(q => limits(q.name)))]);
      times.push(Date.now() / 1000);
      const rows = document.getElementById("rows");
      rows.innerHTML = "";
      queues.forEach((q, i) => {
        push(depth, q.name, q.depth);
        push(ingest, q.name, q.ingestRate);
        push(drain, q.name, q.drainRate);
        const tr = document.createElement("tr");
        tr.dataset.queue = q.name;
        tr.append(cell(q.name),
          cell(number(q.depth), "", "depth", q.depth),
          cell(number(q.maxLength), "", "maxLength", q.maxLength),
          cell(number(q.consumers), "", "consumers", q.consumers),
          cell(number(q.deadLetterDepth), q.deadLetterDepth > 0 ? "warn" : "", "deadLetters", q.deadLetterDepth),
          cell(number(q.ingestRate), "", "ingestRate", q.ingestRate),
          cell(number(q.drainRate), "", "drainRate", q.drainRate),
          cell(seconds(wait.get(q.name)), "", "wait", wait.get(q.name)),
          cell(limit[i], "", "limits"));
        rows.append(tr);
      });
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

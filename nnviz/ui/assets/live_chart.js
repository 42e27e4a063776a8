// nnviz's live view in the browser: the live charts (one Plotly div each, updated in
// place) and the live numbers (Iteration, losses, score), played out frame by frame by
// one player per page. The browser drives the clock: the server trains when asked.
//
// Each render of an element brings a message (UTF-8 JSON bytes) from nnviz/ui/livechart.py
// that names the chunk of the run it belongs to:
//   {sid, chunk, frames, frame_ms, more, now, ...}
// A chunk is `frames` states of the run, one per frame of `frame_ms`. The player starts a
// chunk when the first message of it arrives: once the chunk before it has played out,
// or at once when `now` (the run paused, stepped, was reset: what was still to play is
// dropped). Each element shows its frames at their time in the chunk. While `more`,
// when the frames held are about to run out (within the time a request has lately taken
// to be answered), the player asks for the next chunk — the trigger "next" of the
// numbers' element, {chunk, frames} — which reruns the live fragment on the server.
// One request is in flight per page: a slow server gives fewer, larger chunks (the
// request says how many frames would cover its wait), never a queue of them.
//
// The numbers (message.clock): {metrics: [{name, label, help}], values: [[text, ...], ...]}
// — one row of texts per frame. Each number is an element of the page's own document,
//   <div class="nnviz-metric" data-nnviz-metric="NAME" title="HELP">
//     <div class="label">LABEL</div><div class="value">TEXT</div></div>
//
// A chart: {epoch, height, base?, patches: [[frame, patch], ...], config?, clickable?,
// plotly?}. `base` is a whole figure {data, layout}; it comes when the chart is new or
// its structure changed (a new epoch). A patch is relative to the base of its epoch —
// never to another patch, so a skipped message loses nothing:
//   {data: {"<trace index>": {"<attr.path>": value | {"+": [values to append]}}},
//    layout: {"<attr.path>": value}}
// sets attributes of the base (or appends to its arrays). No patch: the chart keeps what
// it shows. A patch for an epoch this div has not seen (it was re-created) asks the
// server for the whole figure again (trigger "resync"). A click on a listed trace is
// sent back (trigger "click"). plotly.js (message.plotly: a file beside this one, its
// name carrying its version and a hash of its content) is loaded once.

const MAX_FRAMES = 30; // a request asks for at most this many frames (a second of play)
const RETRY_MS = 3000; // a request unanswered this long (a lost run) is made again

// plotly.js's name comes with this script's address (?plotly=…): it loads from the
// start, alongside the first data.
const PLOTLY = new URL(import.meta.url).searchParams.get("plotly");

// --- the player: one per page, shared by every element of the live view
const player = window.__nnvizPlayer || (window.__nnvizPlayer = {
  sid: null, // the server session the chunks come from
  starts: new Map(), // chunk -> when it starts playing (performance.now ms)
  last: 0, // the newest chunk seen
  end: 0, // when the newest chunk's frames run out
  more: false, // the server trains on: ask for the next chunk
  frameMs: 1000 / 30,
  wait: 150, // ms a request has lately taken to be answered
  inflight: null, // {chunk, at}: the request in flight
  ask: null, // the numbers' setTriggerValue
  items: new Set(), // every live element: {el, pending: [{due, order, draw}], ready()}
  raf: 0,
  chartsFreeAt: 0, // no chart draws before this time (half the time for the rest)
  numbersChanged: false, // new numbers wait for a paint: no chart draw before it
  asked: 0, // requests made
  log: [], // the last chunks: [arrived, chunk, frames, start] (what a test or benchmark reads)
});

function resetPlayer(sid) {
  player.sid = sid;
  player.starts.clear();
  player.last = 0;
  player.end = 0;
  player.inflight = null;
  for (const item of player.items) {
    item.pending.length = 0;
    item.shown = -1;
  }
}

// When chunk `message.chunk` starts playing; null for a chunk too old to show.
function chunkStart(message) {
  const now = performance.now();
  if (message.sid !== player.sid) resetPlayer(message.sid);
  if (player.starts.has(message.chunk)) return player.starts.get(message.chunk);
  if (message.chunk < player.last) return null;
  player.frameMs = message.frame_ms || player.frameMs;
  let start = Math.max(now, player.end);
  if (message.now) {
    for (const item of player.items) item.pending.length = 0;
    start = now;
  }
  player.starts.set(message.chunk, start);
  for (const old of player.starts.keys()) {
    if (old < message.chunk - 8) player.starts.delete(old);
  }
  player.last = message.chunk;
  player.end = start + (message.frames || 1) * player.frameMs;
  player.log.push([Math.round(now), message.chunk, message.frames, Math.round(start)]);
  if (player.log.length > 200) player.log.shift();
  player.more = !!message.more;
  if (player.inflight && message.chunk > player.inflight.chunk) {
    player.wait = 0.7 * player.wait + 0.3 * (now - player.inflight.at);
    player.inflight = null;
  }
  return start;
}

function queue(item, start, chunk, frame, draw) {
  const due = start + frame * player.frameMs;
  const order = chunk * 1000 + frame;
  if (order <= item.shown) return;
  const pending = item.pending;
  let i = pending.length;
  while (i > 0 && pending[i - 1].order > order) i--;
  pending.splice(i, 0, { due, order, draw });
}

// Each animation frame: the numbers' due frame, then the charts' — not in a frame that
// paints new numbers (they are shown first). While the run plays, at most one chart a
// frame (the one waiting longest), and only once as long again as the last chart draw
// took has passed since it, so that charts take at most half of the page's time and
// the numbers keep the frame rate however slow the charts are to draw.
function tick() {
  player.raf = 0;
  const now = performance.now();
  let busy = player.more;
  const charts = [];
  let painting = player.numbersChanged; // numbers changed since the last frame
  for (const item of player.items) {
    if (!item.el.isConnected) {
      player.items.delete(item);
      continue;
    }
    busy = busy || item.pending.length > 0;
    if (!item.pending.length || item.pending[0].due > now + 1 || !item.ready()) continue;
    if (!item.isChart) painting = showDue(item, now) || painting;
    else charts.push(item);
  }
  player.numbersChanged = false;
  if (charts.length && !painting) {
    if (!player.more) {
      for (const chart of charts) showDue(chart, now); // not playing: all, at once
    } else if (now >= player.chartsFreeAt) {
      charts.sort((a, b) => a.pending[0].due - b.pending[0].due);
      showDue(charts[0], now);
      const done = performance.now();
      player.chartsFreeAt = done + (done - now);
    }
  }
  askForMore(now);
  if (busy || charts.length) player.raf = requestAnimationFrame(tick);
}

// The latest of the item's frames that are due (the ones before it are skipped);
// whether there was one.
function showDue(item, now) {
  let last = null;
  while (item.pending.length && item.pending[0].due <= now + 1) last = item.pending.shift();
  if (last) {
    item.shown = last.order;
    last.draw();
  }
  return last !== null;
}

function wake() {
  if (!player.raf) player.raf = requestAnimationFrame(tick);
}

function askForMore(now) {
  if (!player.more || !player.ask) return;
  if (player.inflight && now - player.inflight.at < Math.max(RETRY_MS, 3 * player.wait)) return;
  if (player.end - now > player.wait + player.frameMs) return;
  const frames = Math.min(MAX_FRAMES, Math.ceil((1.25 * player.wait) / player.frameMs));
  player.inflight = { chunk: player.last, at: now };
  player.asked += 1;
  document.documentElement.dataset.nnvizAsked = String(player.asked);
  player.ask("next", { chunk: player.last, frames });
}

// --- typed arrays as plotly.py writes them: {dtype, bdata (base64), shape?}
const DTYPES = {
  f8: Float64Array, f4: Float32Array, i4: Int32Array, u4: Uint32Array, i2: Int16Array,
  u2: Uint16Array, i1: Int8Array, u1: Uint8Array,
};

function decodeTyped(spec) {
  const bin = atob(spec.bdata);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const flat = new DTYPES[spec.dtype](bytes.buffer);
  if (!spec.shape) return flat;
  const dims = String(spec.shape).split(",").map(Number);
  if (dims.length !== 2) return flat;
  const rows = [];
  for (let r = 0; r < dims[0]; r++) rows.push(flat.subarray(r * dims[1], (r + 1) * dims[1]));
  return rows;
}

function decode(value) {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === "object") {
    if (typeof value.bdata === "string" && value.dtype in DTYPES) return decodeTyped(value);
    const out = {};
    for (const k of Object.keys(value)) out[k] = decode(value[k]);
    return out;
  }
  return value;
}

// --- patches
function concat(a, b) {
  if (!a || !a.length) return b;
  if (!b || !b.length) return a;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b) && a.constructor === b.constructor) {
    const out = new a.constructor(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  }
  return Array.from(a).concat(Array.from(b));
}

// Set obj[path] (a dotted path) on a copy-on-write clone of the objects along the path.
function setPath(obj, path, value) {
  const keys = path.split(".");
  const root = { ...obj };
  let node = root;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i];
    node[k] = node[k] && typeof node[k] === "object" ? { ...node[k] } : {};
    node = node[k];
  }
  const last = keys[keys.length - 1];
  const isAppend = value && typeof value === "object" && !Array.isArray(value) &&
    !ArrayBuffer.isView(value) && "+" in value;
  node[last] = isAppend ? concat(node[last], value["+"]) : value;
  return root;
}

function applyPatch(base, patch) {
  const data = base.data.slice();
  for (const [index, attrs] of Object.entries(patch.data || {})) {
    const i = Number(index);
    let trace = data[i] || {};
    for (const [path, value] of Object.entries(attrs)) trace = setPath(trace, path, value);
    data[i] = trace;
  }
  let layout = base.layout;
  for (const [path, value] of Object.entries(patch.layout || {})) {
    layout = setPath(layout, path, value);
  }
  return { data, layout };
}

// --- plotly.js, loaded once from the file beside this module
function loadPlotly(name) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__nnvizPlotly) {
    const url = new URL(name, import.meta.url).href;
    window.__nnvizPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => reject(new Error("plotly.js did not load from " + url));
      document.head.appendChild(script);
    });
  }
  if (!player.plotlyAwaited) {
    player.plotlyAwaited = true;
    window.__nnvizPlotly.then(wake); // the frames waiting for it are drawn
  }
  return window.__nnvizPlotly;
}

// --- a chart
function drawFigure(chart, figure) {
  chart.draws += 1;
  chart.div.dataset.draws = String(chart.draws);
  const t0 = performance.now();
  window.Plotly.react(chart.div, figure.data, figure.layout, chart.config);
  chart.drawMs += performance.now() - t0;
  chart.div.dataset.drawMs = String(Math.round(chart.drawMs));
  listen(chart);
}

// A click on a point of a trace the server listed (message.clickable: trace names) is
// sent back as the trigger "click": {trace, index, customdata} (e.g. an edge of the diagram).
function listen(chart) {
  if (chart.listening || !chart.div.on) return;
  chart.listening = true;
  chart.div.on("plotly_click", (event) => {
    const point = event && event.points && event.points[0];
    if (!point || !chart.clickable.includes(point.data.name)) return;
    chart.trigger("click", { trace: point.data.name, index: point.pointIndex,
                             customdata: point.customdata ?? null, n: Date.now() });
  });
}

function newChart(parentElement) {
  const div = document.createElement("div");
  div.className = "nnviz-live-chart";
  div.dataset.mountedAt = String(Date.now()) + "-" + Math.random().toString(36).slice(2, 8);
  div.dataset.draws = "0";
  parentElement.appendChild(div);
  const chart = {
    el: div, div, bases: new Map(), draws: 0, drawMs: 0, config: {}, clickable: [],
    pending: [], shown: -1, chunk: -1, trigger: null, listening: false, isChart: true,
    ready: () => !!window.Plotly,
  };
  player.items.add(chart);
  return chart;
}

function showChart(chart, message, start) {
  if (message.height) chart.div.style.height = message.height + "px";
  if (message.config) chart.config = message.config;
  if (message.clickable) chart.clickable = message.clickable;
  if (message.plotly) loadPlotly(message.plotly);
  if (message.base) {
    const base = decode(message.base);
    chart.bases.set(message.epoch, base);
    for (const old of chart.bases.keys()) if (old < message.epoch - 2) chart.bases.delete(old);
    chart.div.dataset.epoch = String(message.epoch);
    queue(chart, start, message.chunk, 0, () => drawFigure(chart, base));
  }
  const base = chart.bases.get(message.epoch);
  if (!base) {
    chart.trigger("resync", message.epoch); // this div never saw that figure
    return;
  }
  for (const [frame, patch] of message.patches || []) {
    const p = decode(patch);
    queue(chart, start, message.chunk, frame, () => drawFigure(chart, applyPatch(base, p)));
  }
}

// --- the numbers
function newNumbers(parentElement) {
  const row = document.createElement("div");
  row.className = "nnviz-metrics";
  row.dataset.frames = "0";
  parentElement.appendChild(row);
  const numbers = {
    el: row, row, cells: [], key: null, pending: [], shown: -1, chunk: -1, frames: 0,
    isChart: false, ready: () => true,
  };
  player.items.add(numbers);
  return numbers;
}

function layOut(numbers, metrics) {
  const key = JSON.stringify(metrics);
  if (key === numbers.key) return;
  numbers.key = key;
  numbers.row.replaceChildren();
  numbers.cells = metrics.map((m) => {
    const cell = document.createElement("div");
    cell.className = "nnviz-metric";
    cell.dataset.nnvizMetric = m.name;
    if (m.help) cell.title = m.help;
    const label = document.createElement("div");
    label.className = "label";
    label.textContent = m.label;
    const value = document.createElement("div");
    value.className = "value";
    cell.append(label, value);
    numbers.row.appendChild(cell);
    return value;
  });
}

function showValues(numbers, values) {
  numbers.cells.forEach((cell, i) => {
    const text = values[i] ?? "";
    if (cell.textContent !== text) cell.textContent = text;
  });
  numbers.frames += 1;
  numbers.row.dataset.frames = String(numbers.frames);
  player.numbersChanged = true;
}

function showNumbers(numbers, message, start) {
  layOut(numbers, message.metrics || []);
  (message.values || []).forEach((values, frame) => {
    queue(numbers, start, message.chunk, frame, () => showValues(numbers, values));
  });
}

function parse(data) {
  if (data == null) return null;
  if (typeof data === "string") return JSON.parse(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    return JSON.parse(new TextDecoder().decode(data));
  }
  return data;
}

const elements = new WeakMap(); // parentElement -> chart or numbers
if (PLOTLY) loadPlotly(PLOTLY);

export default function (component) {
  const { parentElement, setTriggerValue } = component;
  const message = parse(component.data);
  if (!message) return undefined;
  let item = elements.get(parentElement);
  if (!item) {
    item = message.clock ? newNumbers(parentElement) : newChart(parentElement);
    elements.set(parentElement, item);
  }
  item.trigger = setTriggerValue;
  if (message.clock) player.ask = setTriggerValue;
  if (message.chunk === item.chunk && message.sid === player.sid) return undefined; // seen
  item.chunk = message.chunk;
  const start = chunkStart(message);
  if (start === null) return undefined;
  if (message.clock) {
    showNumbers(item, message, start);
    showDue(item, performance.now()); // at once when due: the numbers first
  } else {
    showChart(item, message, start);
  }
  wake();
  return undefined;
}

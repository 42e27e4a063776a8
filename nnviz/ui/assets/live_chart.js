// nnviz's live chart: one Plotly graph div per chart, updated in place.
//
// Each render brings a message (UTF-8 JSON bytes) from nnviz/ui/livechart.py:
//   {epoch, base?, frames: [patch, ...], span_ms, config, height}
// `base` is a whole figure {data, layout}; it comes when the chart is new or its
// structure changed (a new epoch). `frames` are patches on the base of the same
// epoch — never on one another, so a message that React skips loses nothing. A patch
//   {data: {"<trace index>": {"<attr.path>": value | {"+": [values to append]}}},
//    layout: {"<attr.path>": value}}
// sets attributes of the base (or appends to its arrays). The frames are played out
// evenly over span_ms (the time to the next message), so motion on screen is
// smoother than the server's refresh rate. A patch for an epoch this div has not
// seen (it was re-created) asks the server for the whole figure again (trigger
// "resync"). A click on a listed trace is sent back (trigger "click"). plotly.js is
// loaded once, from the file beside this one.

const PLOTLY_URL = new URL("plotly.min.js", import.meta.url).href;
const charts = new WeakMap(); // parentElement -> chart state
// Start loading plotly.js with this module (the first chart's data is on its way).

function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__nnvizPlotly) {
    window.__nnvizPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = PLOTLY_URL;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => reject(new Error("plotly.js did not load from " + PLOTLY_URL));
      document.head.appendChild(script);
    });
  }
  return window.__nnvizPlotly;
}
loadPlotly();

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

// --- drawing
function draw(chart, figure) {
  chart.shown = figure;
  chart.draws += 1;
  chart.div.dataset.draws = String(chart.draws);
  const t0 = performance.now();
  const drawn = chart.Plotly.react(chart.div, figure.data, figure.layout, chart.config);
  chart.drawMs = (chart.drawMs || 0) + performance.now() - t0;
  chart.div.dataset.drawMs = String(Math.round(chart.drawMs));
  listen(chart);
  return drawn;
}

// A click on a point of a trace the server listed (message.clickable: trace names) is
// sent back as the trigger "click": {trace, index} (e.g. an edge of the diagram).
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

function play(chart, frames, spanMs) {
  if (chart.timer) cancelAnimationFrame(chart.timer);
  chart.timer = null;
  if (!frames.length) {
    draw(chart, chart.base);
    return;
  }
  const start = performance.now();
  const step = frames.length > 1 ? spanMs / frames.length : 0;
  let next = 0;
  const tick = () => {
    const due = step ? Math.min(frames.length - 1, Math.floor((performance.now() - start) / step))
      : frames.length - 1;
    if (due >= next) {
      next = due + 1;
      draw(chart, applyPatch(chart.base, frames[due]));
    }
    chart.timer = next < frames.length ? requestAnimationFrame(tick) : null;
  };
  tick();
}

function parse(data) {
  if (data == null) return null;
  if (typeof data === "string") return JSON.parse(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    return JSON.parse(new TextDecoder().decode(data));
  }
  return data;
}

export default function (component) {
  const { parentElement, setTriggerValue } = component;
  const message = parse(component.data);
  let chart = charts.get(parentElement);
  if (!chart) {
    const div = document.createElement("div");
    div.className = "nnviz-live-chart";
    div.dataset.mountedAt = String(Date.now()) + "-" + Math.random().toString(36).slice(2, 8);
    div.dataset.draws = "0";
    parentElement.appendChild(div);
    chart = { div, epoch: null, base: null, draws: 0, timer: null, Plotly: null, queue: null };
    charts.set(parentElement, chart);
  }
  if (!message) return undefined;
  chart.config = message.config || {};
  chart.clickable = message.clickable || [];
  chart.trigger = setTriggerValue;
  if (message.height) chart.div.style.height = message.height + "px";
  if (message.base) {
    chart.base = decode(message.base);
    chart.epoch = message.epoch;
  } else if (message.epoch !== chart.epoch) {
    setTriggerValue("resync", message.epoch); // this div never saw that figure
    return undefined;
  }
  chart.div.dataset.epoch = String(chart.epoch);
  const frames = (message.frames || []).map(decode);
  const go = () => play(chart, frames, message.span_ms || 0);
  if (chart.Plotly) {
    go();
  } else {
    loadPlotly().then((Plotly) => {
      chart.Plotly = Plotly;
      go();
    });
  }
  return () => {
    if (chart.timer) cancelAnimationFrame(chart.timer);
    chart.timer = null;
  };
}

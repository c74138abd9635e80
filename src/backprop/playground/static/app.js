// backprop playground: draws what the server computes. No math here beyond layout and
// colours: every weight, cost, region value and equation comes from the JSON API.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const FIELDS = ["dataset", "hidden", "activation", "cost", "learning_rate", "batch_size",
                "noise", "seed", "samples", "grid"];
const INTEGER = new Set(["batch_size", "seed", "samples", "grid"]);
const POS = "#2166ac", NEG = "#d6604d";
const CLASS_COLOURS = [[214, 96, 77], [33, 102, 172], [77, 172, 38], [153, 112, 171], [224, 130, 20]];

const app = { id: null, state: null, playing: false, selected: null, settings: null, defaults: null };
window.playground = app;  // for the curious and for the tests: the last state the server sent

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, parent = null, ns = SVG) {
  const node = document.createElementNS(ns, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}
const hel = (tag, attrs = {}, parent = null) => el(tag, attrs, parent, "http://www.w3.org/1999/xhtml");
const fmt = (v) => (v === null || v === undefined) ? "—" :
  (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(4) : v.toFixed(6));

// -- talking to the server ---------------------------------------------------------------

async function api(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const payload = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) {
    const error = new Error(payload.error || `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return payload;
}

let queue = Promise.resolve();
function serial(task) {  // one request at a time, in order
  const run = async () => {
    document.body.dataset.busy = "1";
    try { await task(); showError(null); }
    catch (error) { showError(error.message); if (app.playing) pause(); }
    finally { document.body.dataset.busy = "0"; }
  };
  queue = queue.then(run, run);
  return queue;
}

async function sessionCall(action, body) {
  try {
    return await api("POST", `/api/sessions/${app.id}/${action}`, body);
  } catch (error) {
    if (error.status !== 404) throw error;
    // The session was evicted: rebuild it from the settings and the step count.
    await createSession(app.settings, app.state ? app.state.steps : 0);
    return api("POST", `/api/sessions/${app.id}/${action}`, body);
  }
}

async function createSession(settings, steps) {
  const payload = await api("POST", "/api/sessions", Object.assign({}, settings, { steps }));
  app.id = payload.id;
  app.settings = payload.state.settings;
  render(payload.state);
}

function showError(message) {
  const box = $("error");
  box.hidden = !message;
  box.textContent = message || "";
}

// -- settings: the form and the URL ------------------------------------------------------

function settingsFromForm() {
  const s = {};
  for (const name of FIELDS) {
    const raw = $(name).value.trim();
    if (name === "hidden") s.hidden = raw === "" ? [] : raw.split(/[\s,]+/).filter(Boolean).map(Number);
    else if (name === "dataset" || name === "activation" || name === "cost") s[name] = raw;
    else s[name] = Number(raw);
  }
  return s;
}

function fillForm(s) {
  for (const name of FIELDS) {
    if (s[name] === undefined) continue;
    $(name).value = name === "hidden" ? s.hidden.join(",") : s[name];
  }
}

function settingsFromURL() {
  const params = new URLSearchParams(location.hash.slice(1) || location.search.slice(1));
  const s = Object.assign({}, app.defaults);
  for (const name of FIELDS) {
    if (!params.has(name)) continue;
    const raw = params.get(name);
    if (name === "hidden") s.hidden = raw === "" ? [] : raw.split(",").map(Number);
    else if (name === "dataset" || name === "activation" || name === "cost") s[name] = raw;
    else s[name] = Number(raw);
  }
  const steps = Number(params.get("steps") || 0);
  return { settings: s, steps: Number.isInteger(steps) && steps >= 0 ? steps : 0 };
}

function writeURL(state) {
  const params = new URLSearchParams();
  for (const name of FIELDS) {
    const v = state.settings[name];
    params.set(name, name === "hidden" ? v.join(",") : String(v));
  }
  params.set("steps", String(state.steps));
  history.replaceState(null, "", "#" + params.toString());
}

// -- drawing -----------------------------------------------------------------------------

function render(state) {
  app.state = state;
  writeURL(state);
  const c = state.cost;
  $("status").textContent = `epoch ${state.epoch} · step ${state.steps} · C(train) = ${fmt(c.train)} · C(validation) = ${fmt(c.validation)}`;
  $("status").dataset.train = c.train === null ? "" : String(c.train);
  $("status").dataset.steps = String(state.steps);
  drawNetwork(state);
  drawWeights(state);
  drawRegions(state);
  drawCurve(state);
  if (app.selected) explain(app.selected, false);
}

function layout(sizes) {
  const width = 520, height = 320, top = 30, bottom = 20;
  const L = sizes.length - 1;
  const xs = sizes.map((_, l) => 40 + (l * (width - 80)) / Math.max(L, 1));
  const nodes = sizes.map((n, l) => {
    const count = n + (l < L ? 1 : 0);  // the bias node at the bottom of every layer but the last
    const gap = (height - top - bottom) / Math.max(count, 1);
    return Array.from({ length: count }, (_, j) => ({ x: xs[l], y: top + gap * (j + 0.5), bias: j === n }));
  });
  return nodes;
}

function drawNetwork(state) {
  const svg = $("network");
  svg.replaceChildren();
  const nodes = layout(state.sizes);
  let biggest = 0;
  for (const W of state.weights) for (const row of W) for (const w of row) biggest = Math.max(biggest, Math.abs(w || 0));
  const edges = el("g", {}, svg);
  state.weights.forEach((W, k) => {
    const l = k + 1;
    W.forEach((row, j) => row.forEach((w, i) => {
      const a = nodes[l - 1][i], b = nodes[l][j];
      const width = w === null ? 1 : 0.5 + 5 * Math.abs(w) / (biggest || 1);
      const g = el("g", { class: "edge", "data-l": l, "data-j": j, "data-i": i, "data-value": String(w) }, edges);
      el("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: w === null ? "#999" : (w >= 0 ? POS : NEG),
                   "stroke-width": width.toFixed(2), "stroke-opacity": "0.8" }, g);
      el("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: "edge-hit" }, g);
      el("title", {}, g).textContent = `w_${j}${i}^(${l}) = ${w}`;
      g.addEventListener("click", () => select({ kind: "weight", layer: l, j, i }));
    }));
  });
  nodes.forEach((layer, l) => {
    el("text", { x: layer[0].x, y: 14, class: "layer-label" }, svg).textContent =
      l === 0 ? "input (0)" : (l === nodes.length - 1 ? `output (${l})` : `layer ${l}`);
    layer.forEach((p, j) => {
      const g = el("g", { class: "neuron", "data-l": l, "data-j": j }, svg);
      if (p.bias) el("rect", { x: p.x - 9, y: p.y - 9, width: 18, height: 18 }, g);
      else el("circle", { cx: p.x, cy: p.y, r: 11 }, g);
      el("text", { x: p.x, y: p.y + 3.5 }, g).textContent = p.bias ? "1" : `a${j}`;
      el("title", {}, g).textContent = p.bias ? `bias node of layer ${l}` : `a_${j}^(${l})`;
      g.addEventListener("click", () => select({ kind: "neuron", layer: l, j }));
    });
  });
  markSelected();
}

function drawWeights(state) {
  const box = $("weights");
  box.replaceChildren();
  state.weights.forEach((W, k) => {
    const l = k + 1;
    const table = hel("table", { class: "matrix", "data-l": l }, box);
    hel("caption", {}, table).textContent = `W^(${l})`;
    const head = hel("tr", {}, table);
    hel("th", {}, head).textContent = "j \\ i";
    W[0].forEach((_, i) => { hel("th", {}, head).textContent = i === W[0].length - 1 ? "bias" : String(i); });
    W.forEach((row, j) => {
      const tr = hel("tr", {}, table);
      hel("th", {}, tr).textContent = String(j);
      row.forEach((w, i) => {
        const td = hel("td", { class: "weight " + (w >= 0 ? "pos" : "neg"), "data-l": l, "data-j": j, "data-i": i,
                               "data-value": String(w), title: `w_${j}${i}^(${l}) = ${w}` }, tr);
        td.textContent = w === null ? "NaN" : w.toFixed(4);
        td.addEventListener("click", () => select({ kind: "weight", layer: l, j, i }));
      });
    });
  });
  markSelected();
}

function colourFor(value, cls, regression) {
  if (regression) {  // the note's example: no classes, shade by the output's value 0 … 1
    const t = value === null ? 0 : Math.max(0, Math.min(1, value)), [r, g, b] = CLASS_COLOURS[1];
    return [255 - (255 - r) * t, 255 - (255 - g) * t, 255 - (255 - b) * t];
  }
  if (cls !== null && cls !== undefined) {
    const [r, g, b] = CLASS_COLOURS[cls % CLASS_COLOURS.length];
    const alpha = Math.max(0, Math.min(1, value === null ? 0 : value));
    return [255 - (255 - r) * alpha * 0.6, 255 - (255 - g) * alpha * 0.6, 255 - (255 - b) * alpha * 0.6];
  }
  const p = value === null ? 0.5 : Math.max(0, Math.min(1, value));
  const [r0, g0, b0] = CLASS_COLOURS[0], [r1, g1, b1] = CLASS_COLOURS[1];
  const t = Math.abs(p - 0.5) * 2 * 0.6, [r, g, b] = p >= 0.5 ? [r1, g1, b1] : [r0, g0, b0];
  return [255 - (255 - r) * t, 255 - (255 - g) * t, 255 - (255 - b) * t];
}

function drawRegions(state) {
  const canvas = $("regions"), ctx = canvas.getContext("2d");
  const grid = state.grid, n = grid.n, W = canvas.width, H = canvas.height;
  const image = ctx.createImageData(n, n);
  for (let k = 0; k < n * n; k++) {
    const [r, g, b] = colourFor(grid.values[k], grid.classes ? grid.classes[k] : null, state.data.y === null);
    image.data.set([r, g, b, 255], 4 * k);
  }
  const L = state.sizes.length - 1;
  $("regions-caption").textContent = state.data.y === null
    ? `shade: the output a_0^(${L}) over the plane (white 0, blue 1); the dot is the sample`
    : grid.classes ? `colour: the output neuron with the largest value, paler where it is less sure; hollow: validation`
    : `colour: a_0^(${L}) > 0.5 blue, < 0.5 red, paler near 0.5; hollow: validation`;
  const off = document.createElement("canvas");
  off.width = n; off.height = n;
  off.getContext("2d").putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.clearRect(0, 0, W, H);
  ctx.drawImage(off, 0, 0, W, H);
  const [x0, x1] = grid.x_range, [y0, y1] = grid.y_range;
  // Grid point k sits at the centre of its cell after scaling.
  const px = (x) => ((x - x0) / (x1 - x0)) * (W - W / n) + W / n / 2;
  const py = (y) => ((y1 - y) / (y1 - y0)) * (H - H / n) + H / n / 2;
  const points = (X, y, hollow) => X.forEach((p, k) => {
    const cls = y ? y[k] : 1;
    const [r, g, b] = CLASS_COLOURS[cls % CLASS_COLOURS.length];
    ctx.beginPath();
    ctx.arc(px(p[0]), py(p[1]), y ? 3.5 : 6, 0, 2 * Math.PI);
    ctx.fillStyle = hollow ? "rgba(255,255,255,0.8)" : `rgb(${r},${g},${b})`;
    ctx.strokeStyle = hollow ? `rgb(${r},${g},${b})` : "#fff";
    ctx.lineWidth = hollow ? 1.5 : 1;
    ctx.fill(); ctx.stroke();
  });
  points(state.data.X, state.data.y, false);
  points(state.data.X_val, state.data.y_val, true);
}

function drawCurve(state) {
  const svg = $("curve");
  svg.replaceChildren();
  const W = 320, H = 180, left = 40, right = 8, top = 8, bottom = 22;
  const h = state.history;
  const values = h.flatMap((p) => [p.train, p.validation]).filter((v) => v !== null);
  const maxC = Math.max(...values, 1e-12), maxS = Math.max(h[h.length - 1].steps, 1);
  const x = (s) => left + (s / maxS) * (W - left - right);
  const y = (c) => top + (1 - c / maxC) * (H - top - bottom);
  el("line", { x1: left, y1: H - bottom, x2: W - right, y2: H - bottom, class: "axis" }, svg);
  el("line", { x1: left, y1: top, x2: left, y2: H - bottom, class: "axis" }, svg);
  el("text", { x: 2, y: top + 8, class: "axis-label" }, svg).textContent = maxC.toPrecision(3);
  el("text", { x: 2, y: H - bottom, class: "axis-label" }, svg).textContent = "0";
  el("text", { x: W - right, y: H - 6, class: "axis-label", "text-anchor": "end" }, svg).textContent = `${maxS} steps`;
  for (const [key, colour, dash] of [["train", POS, ""], ["validation", NEG, "4 3"]]) {
    const pts = h.filter((p) => p[key] !== null).map((p) => `${x(p.steps).toFixed(1)},${y(p[key]).toFixed(1)}`);
    if (pts.length) el("polyline", { points: pts.join(" "), fill: "none", stroke: colour, "stroke-width": 1.5,
                                      "stroke-dasharray": dash, id: `curve-${key}` }, svg);
  }
}

// -- explanations ------------------------------------------------------------------------

function select(target) {
  app.selected = target;
  markSelected();
  explain(target, true);
}

function markSelected() {
  document.querySelectorAll(".selected").forEach((n) => n.classList.remove("selected"));
  const s = app.selected;
  if (!s) return;
  const sel = s.kind === "weight"
    ? `.edge[data-l="${s.layer}"][data-j="${s.j}"][data-i="${s.i}"], td.weight[data-l="${s.layer}"][data-j="${s.j}"][data-i="${s.i}"]`
    : `.neuron[data-l="${s.layer}"][data-j="${s.j}"]`;
  document.querySelectorAll(sel).forEach((n) => n.classList.add("selected"));
}

function explain(target, queued) {
  const task = async () => showExplanation(await sessionCall("explain", target));
  if (queued) serial(task); else task().catch((e) => showError(e.message));
}

function showExplanation(ex) {
  const box = $("explanation");
  box.replaceChildren();
  box.dataset.kind = ex.kind;
  box.dataset.symbol = ex.symbol;
  box.dataset.sample = String(ex.sample);
  hel("div", { class: "symbol" }, box).textContent = ex.symbol;
  hel("div", { class: "sample" }, box).textContent =
    `for training sample ${ex.sample}: x = (${ex.input.map(fmt).join(", ")}), T = (${ex.target.map(fmt).join(", ")})`;
  ex.lines.forEach((line) => {
    const div = hel("div", { class: "line" }, box);
    const formula = hel("div", { class: "formula" }, div);
    formula.textContent = line.formula;
    if (line.eq) hel("span", { class: "eq" }, formula).textContent = `eq. ${line.eq}`;
    if (line.note) hel("div", { class: "note" }, div).textContent = line.note;
    if (line.numbers) hel("div", { class: "numbers" }, div).textContent = `= ${line.numbers}`;
    if (line.value !== null) {
      hel("div", { class: "value", "data-value": String(line.value) }, div).textContent = `= ${fmt(line.value)}`;
    }
  });
}

// -- controls ----------------------------------------------------------------------------

function play() {
  if (app.playing) return;
  app.playing = true;
  document.body.dataset.playing = "1";
  $("play").textContent = "pause";
  const tick = () => {
    if (!app.playing) return;
    serial(async () => {
      if (!app.playing) return;
      const epochs = Number($("speed").value);
      render((await sessionCall("train", { epochs })).state);
    }).then(() => { if (app.playing) setTimeout(tick, 20); });
  };
  tick();
}

function pause() {
  app.playing = false;
  document.body.dataset.playing = "0";
  $("play").textContent = "play";
}

async function start() {
  const options = await api("GET", "/api/options");
  app.defaults = options.defaults;
  for (const [name, list] of [["dataset", options.datasets], ["activation", options.activations], ["cost", options.costs]]) {
    $(name).replaceChildren(...list.map((v) => { const o = hel("option"); o.value = v; o.textContent = v; return o; }));
  }
  const { settings, steps } = settingsFromURL();
  fillForm(settings);
  app.settings = settings;
  await serial(async () => {
    try { await createSession(settings, steps); }
    catch (error) {  // a bad shared URL: say so, and start from the defaults
      await createSession(app.defaults, 0);
      fillForm(app.defaults);
      throw error;
    }
  });
  $("play").addEventListener("click", () => (app.playing ? pause() : play()));
  $("step").addEventListener("click", () => { pause(); serial(async () => render((await sessionCall("step", { steps: 1 })).state)); });
  $("reset").addEventListener("click", () => { pause(); serial(async () => render((await sessionCall("reset", {})).state)); });
  $("settings").addEventListener("submit", (event) => {
    event.preventDefault();
    pause();
    app.selected = null;
    const s = settingsFromForm();
    serial(async () => { await createSession(s, 0); });
  });
  window.addEventListener("hashchange", () => {
    const { settings: s, steps: n } = settingsFromURL();
    if (app.state && JSON.stringify(s) === JSON.stringify(app.state.settings) && n === app.state.steps) return;
    pause();
    fillForm(s);
    serial(async () => { await createSession(s, n); });
  });
  document.body.dataset.ready = "1";
}

document.addEventListener("DOMContentLoaded", () => { start().catch((e) => showError(e.message)); });

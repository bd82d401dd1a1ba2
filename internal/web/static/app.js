// The explainer page: renders what /api/lesson, /api/poly and
// /api/transition compute. No libraries, no network beyond this server.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { lesson: null, step: 0, curves: null, polyAbort: null };

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}

async function api(path, opts) {
  const r = await fetch(path, opts);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

// ---- numbers, formatted like the command line's %.3g -------------------
function num(x, digits = 3) {
  if (x === "+Inf" || x === Infinity) return "+Inf";
  if (x === "NaN") return "NaN";
  if (typeof x !== "number") return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e6) return String(Number(x.toPrecision(digits)));
  return x.toExponential(digits - 1);
}

// ---- part 1: the lesson -----------------------------------------------
async function runLesson(body) {
  $("lesson-status").textContent = "Running the reduction…";
  $("run").disabled = true;
  try {
    state.lesson = await api("/api/lesson", { method: "POST", body });
    $("lesson-status").textContent = "Done: " + state.lesson.name + ".";
    renderSummary();
    renderTabs();
    showStep(0, false);
  } catch (e) {
    $("lesson-status").textContent = "Error: " + e.message;
  } finally {
    $("run").disabled = false;
  }
}

function renderSummary() {
  const l = state.lesson, s = $("summary");
  s.replaceChildren();
  const add = (k, v, cls) => { s.append(el("dt", {}, k), el("dd", { class: cls || "" }, v)); };
  const p = l.params;
  add("size", `N = ${p.n_queries} queries, ${p.keys} keys, d = ${p.d}`);
  add("entry bound", `B = ${num(p.B)}, B/√ln n = ${num(p.B_over_sqrt_ln_n)}`);
  let v = l.verdict;
  if (l.row >= 0) v += ` (row q${l.row}, partner b${l.partner})`;
  add("verdict from T", v, l.verdict === "SAT" ? "good" : "");
  add("gini", l.gini + (l.agree ? " — agrees" : " — DISAGREES"), l.agree ? "good" : "bad");
}

function renderTabs() {
  const tabs = $("step-tabs");
  tabs.replaceChildren();
  state.lesson.steps.forEach((blocks, i) => {
    const title = blocks[0].text;
    const b = el("button", { type: "button", role: "tab", id: `tab-${i}`, "aria-controls": "step",
      "aria-selected": "false", tabindex: "-1", title }, String(i + 1));
    b.addEventListener("click", () => showStep(i, true));
    tabs.append(b);
  });
}

function showStep(i, focus) {
  const steps = state.lesson.steps;
  state.step = Math.max(0, Math.min(steps.length - 1, i));
  [...$("step-tabs").children].forEach((b, k) => {
    b.setAttribute("aria-selected", String(k === state.step));
    b.tabIndex = k === state.step ? 0 : -1;
  });
  $("step").setAttribute("aria-labelledby", `tab-${state.step}`);
  $("step").dataset.step = String(state.step + 1);
  $("step").replaceChildren(...steps[state.step].map(renderBlock));
  $("step-pos").textContent = `step ${state.step + 1} of ${steps.length}`;
  $("prev").disabled = state.step === 0;
  $("next").disabled = state.step === steps.length - 1;
  if (focus) $(`tab-${state.step}`).focus();
}

function renderBlock(b) {
  switch (b.kind) {
    case "heading": return el("h3", {}, b.text);
    case "para": return el("p", { class: b.mark ? "verdict " + b.mark : "" }, b.text);
    case "pre": return el("pre", {}, b.lines.join("\n"));
    case "table": return renderTable(b);
    case "figure": {
      const f = state.lesson.figures[b.name];
      if (!f) return document.createTextNode("");
      return el("figure", { class: "lesson-fig" }, el("img", { src: f.src, alt: f.alt }), el("figcaption", {}, b.caption));
    }
  }
  return document.createTextNode("");
}

function renderTable(b) {
  const head = el("tr", {}, ...b.header.map((h, c) => el("th", { scope: "col", class: c < b.left ? "l" : "r" }, h)));
  const rows = b.rows.map((row) => el("tr", {}, ...row.map((cell, c) => {
    const td = el("td", { class: c < b.left ? "l" : "r" });
    td.append(cell.m ? el("strong", { class: cell.m }, cell.t) : cell.t);
    return td;
  })));
  return el("div", { class: "scroll" }, el("table", { class: "lesson-table" }, el("thead", {}, head), el("tbody", {}, ...rows)));
}

function stepKeys(e) {
  if (!state.lesson) return;
  const k = { ArrowRight: 1, ArrowLeft: -1, Home: -1e9, End: 1e9 }[e.key];
  if (k === undefined) return;
  e.preventDefault();
  showStep(state.step + k, true);
}

// ---- part 2: the slider -----------------------------------------------
let polyT0 = 0;

async function updatePoly() {
  const c = Number($("c").value), n = Number($("n").value);
  $("c-out").textContent = c.toFixed(2);
  polyT0 = performance.now();
  if (state.polyAbort) state.polyAbort.abort();
  const ctl = new AbortController();
  state.polyAbort = ctl;
  $("poly-status").textContent = "computing…";
  try {
    const p = await api(`/api/poly?n=${n}&c=${c}&seed=1`, { signal: ctl.signal });
    if (ctl.signal.aborted) return;
    renderPoly(p);
    drawCurve(c);
    $("fast").dataset.c = c.toFixed(2);
    $("fast").dataset.n = String(n);
    window.__lastUpdateMs = performance.now() - polyT0;
  } catch (e) {
    if (e.name !== "AbortError") $("poly-status").textContent = "Error: " + e.message;
  }
}

function setFact(id, text, value, cls) {
  const td = $(id);
  td.textContent = text;
  td.dataset.value = String(value);
  td.className = cls || "";
}

function renderPoly(p) {
  setFact("v-B", `${num(p.B)} (√ln n = ${num(p.sqrt_ln_n)})`, p.B);
  setFact("v-R", num(p.R, 4), p.R);
  setFact("v-need-degree", String(p.need_degree), p.need_degree);
  setFact("v-need-rank", count(p.need_rank) + (p.squeezed ? " > n" : " ≤ n"), p.need_rank, p.squeezed ? "bad" : "good");
  setFact("v-degree", String(p.degree) + (p.squeezed ? " (squeezed into r ≤ n)" : ""), p.degree);
  setFact("v-rank", count(p.rank), p.rank);
  setFact("v-cert", num(p.cert_err), p.cert_err, ok(p.cert_err, p.eps) ? "good" : "bad");
  setFact("v-bound", num(p.err_bound), p.err_bound);
  setFact("v-measured", num(p.measured), p.measured, ok(p.measured, 2 * p.eps) ? "good" : "bad");
  $("v-time").textContent = `${p.exact_ms.toFixed(1)} ms / ${p.poly_ms.toFixed(1)} ms`;
  $("commands").textContent = p.commands.join("\n");
  $("poly-status").textContent = p.note || p.status; // worded by the server from the numbers
}

// count formats a whole number like the command line: in full below 10^7.
function count(x) {
  if (typeof x !== "number") return String(x);
  return x < 1e7 ? String(Math.round(x)) : x.toExponential(2);
}

function ok(x, limit) { return typeof x === "number" && x <= limit; }

// ---- the predicted-exponent curves ---------------------------------------
const SVGNS = "http://www.w3.org/2000/svg";
function sv(tag, attrs, text) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

const COLORS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7"];

function drawCurve(cNow) {
  const svg = $("curve");
  if (!state.curves) return;
  svg.replaceChildren();
  const W = 640, H = 420, L = 70, R = 20, T = 20, B = 60;
  const x0 = 0.1, x1 = 2, y0 = 1, y1 = 5;
  const X = (c) => L + (c - x0) / (x1 - x0) * (W - L - R);
  const Y = (e) => H - B - (Math.min(y1, e) - y0) / (y1 - y0) * (H - T - B);
  for (let e = 1; e <= 5; e++) {
    svg.append(sv("line", { x1: L, x2: W - R, y1: Y(e), y2: Y(e), class: "grid" }));
    svg.append(sv("text", { x: L - 10, y: Y(e) + 6, class: "tick", "text-anchor": "end" }, String(e)));
  }
  for (let c = 0.25; c <= 2.001; c += 0.25) {
    svg.append(sv("text", { x: X(c), y: H - B + 26, class: "tick", "text-anchor": "middle" }, c.toFixed(2)));
  }
  svg.append(sv("text", { x: (L + W - R) / 2, y: H - 12, class: "axis", "text-anchor": "middle" }, "c = B/√ln n"));
  svg.append(sv("text", { x: 18, y: (T + H - B) / 2, class: "axis", "text-anchor": "middle",
    transform: `rotate(-90 18 ${(T + H - B) / 2})` }, "exponent of n"));
  svg.append(sv("line", { x1: L, x2: W - R, y1: Y(2), y2: Y(2), class: "exact" }));
  svg.append(sv("text", { x: W - R - 4, y: Y(2) - 8, class: "label", "text-anchor": "end" }, "exact: n²"));
  state.curves.curves.forEach((cv, k) => {
    const pts = cv.points.filter((p) => p.certified && typeof p.exponent === "number")
      .map((p) => `${X(p.c).toFixed(1)},${Y(p.exponent).toFixed(1)}`);
    if (pts.length) svg.append(sv("polyline", { points: pts.join(" "), class: "curve", stroke: COLORS[k % 4] }));
    svg.append(sv("text", { x: L + 14, y: T + 24 + 24 * k, class: "label", fill: COLORS[k % 4] },
      `n = 2^${Math.round(Math.log2(cv.n))} (d = ${cv.d})`));
  });
  svg.append(sv("line", { x1: X(cNow), x2: X(cNow), y1: T, y2: H - B, class: "now" }));
}

// ---- start ------------------------------------------------------------
function formulaBody() {
  const pick = $("example").value;
  return pick === "custom" ? $("cnf").value : pick;
}

async function start() {
  $("formula-form").addEventListener("submit", (e) => { e.preventDefault(); runLesson(formulaBody()); });
  $("example").addEventListener("change", () => {
    const custom = $("example").value === "custom";
    $("cnf-field").hidden = !custom;
    if (custom) $("cnf").focus(); else runLesson(formulaBody());
  });
  $("step-tabs").addEventListener("keydown", stepKeys);
  $("prev").addEventListener("click", () => showStep(state.step - 1, false));
  $("next").addEventListener("click", () => showStep(state.step + 1, false));
  $("c").addEventListener("input", updatePoly);
  $("n").addEventListener("change", updatePoly);
  const curves = api("/api/transition").then((c) => { state.curves = c; });
  await runLesson("example");
  await curves;
  await updatePoly();
  document.body.dataset.ready = "1";
  window.__readyMs = performance.now();
}

start();

// Draws a Figure (experiments/types.ts) on a 2D canvas context. The PNGs (png.ts, on a
// Skia canvas), the HTML report's heatmaps and the web page all use this one renderer.
// Browser-safe: no Node-only imports. Lengths are CSS pixels; `dpr` scales the context.

import type { Figure, HeatmapFigure, LineFigure, Series } from '../experiments/types.js';
import { formatNumber } from './format.js';

/** The part of CanvasRenderingContext2D used here; browsers and @napi-rs/canvas both have it. */
export interface DrawContext {
  fillStyle: string | object;
  strokeStyle: string | object;
  lineWidth: number;
  lineJoin: 'round' | 'bevel' | 'miter';
  lineCap: 'butt' | 'round' | 'square';
  globalAlpha: number;
  font: string;
  textAlign: 'left' | 'right' | 'center' | 'start' | 'end';
  textBaseline: 'top' | 'hanging' | 'middle' | 'alphabetic' | 'ideographic' | 'bottom';
  save(): void;
  restore(): void;
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  translate(x: number, y: number): void;
  rotate(angle: number): void;
  beginPath(): void;
  closePath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  rect(x: number, y: number, w: number, h: number): void;
  arc(x: number, y: number, r: number, start: number, end: number): void;
  clip(): void;
  fill(): void;
  stroke(): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
  setLineDash(segments: number[]): void;
}

export interface Rect { left: number; top: number; width: number; height: number }

/** One axis: its data range, scale and ticks. */
export interface AxisLayout {
  label: string;
  min: number;
  max: number;
  log: boolean;
  ticks: number[];
  tickLabels: string[];
  minorTicks: number[];
}

export interface LegendItem {
  label: string;
  color: string;
  dashed: boolean;
  /** a line sample (else a marker only) */
  line: boolean;
  marker: boolean;
  /** left end of the sample and its vertical middle */
  x: number;
  y: number;
}

export interface FigureLayout {
  width: number;
  height: number;
  fontFamily: string;
  plot: Rect;
  x: AxisLayout;
  y: AxisLayout;
  /** heatmaps: the colour bar and the z scale */
  colorbar?: { rect: Rect; z: AxisLayout };
  /** heatmaps: cell edges, n + 1 per axis, midway between the cell centres */
  edges?: { x: number[]; y: number[] };
  /** `box`: the framed legend inside a line plot; heatmaps list theirs above the plot */
  legend?: { box?: Rect; items: LegendItem[] };
}

export interface LayoutOptions {
  width: number;
  height: number;
  fontFamily?: string;
}

export interface DrawOptions extends LayoutOptions {
  /** device pixel ratio: the context's backing store is width*dpr x height*dpr */
  dpr?: number;
  background?: string;
}

/** Text width in CSS pixels for a CSS font string. */
export type Measure = (text: string, font: string) => number;

export const FONT_FAMILY = '"DejaVu Sans", "Helvetica Neue", Helvetica, Arial, sans-serif';
export const FONT_SIZE = { title: 14, label: 13, tick: 12, legend: 12 } as const;
/** Series colours (matplotlib's tab10 order) and overlay colours that read on viridis. */
export const SERIES_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
export const OVERLAY_COLORS = ['#ff3b30', '#ffffff', '#ff9f0a', '#000000'];
const INK = '#222222', FRAME = '#444444', GRID = '#ececec', NULL_CELL = '#dadada', VLINE = '#555555';
const PAD = 10, TICK = 5, BAR_GAP = 14, BAR_WIDTH = 14, ROW = 18, SAMPLE = 24;

export function seriesColor(s: Series, i: number): string {
  return s.color ?? SERIES_COLORS[i % SERIES_COLORS.length];
}

// ---------------------------------------------------------------------------------------
// Colour map
// ---------------------------------------------------------------------------------------

/** viridis at t = 0, 1/9, ..., 1 (van der Walt & Smith, matplotlib); linear in between. */
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725']
  .map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));

/** viridis(t) for t in [0, 1] (clamped) as 'rgb(r,g,b)'. */
export function viridis(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u)), f = u - i;
  const [r, g, b] = VIRIDIS[i].map((c, k) => Math.round(c + f * (VIRIDIS[i + 1][k] - c)));
  return `rgb(${r},${g},${b})`;
}

// ---------------------------------------------------------------------------------------
// Ticks
// ---------------------------------------------------------------------------------------

/** 1, 2 or 5 x 10^k, giving about `target` intervals over `span`. */
export function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p;
}

/** Round-number ticks inside [min, max], about `target` intervals apart (0.3, not 0.30000000000000004). */
export function niceTicks(min: number, max: number, target = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (!(max > min)) return [min];
  const step = niceStep(max - min, target), eps = step * 1e-9, out: number[] = [];
  for (let k = Math.ceil((min - eps) / step); k * step <= max + eps; k++) out.push(Number((k * step).toPrecision(12)) || 0);
  return out;
}

/**
 * Log-axis ticks in [min, max] (min > 0): decades (every `stride`-th when there are many),
 * also 2 and 5 x 10^k when the range spans under ~1.5 decades; minor ticks at the other
 * m x 10^k. Ranges too short for two such ticks fall back to linear ticks.
 */
export function logTicks(min: number, max: number, target = 5): { major: number[]; minor: number[] } {
  if (!(min > 0) || !(max > min)) return { major: niceTicks(min, max, target), minor: [] };
  const lo = Math.floor(Math.log10(min) + 1e-9), hi = Math.ceil(Math.log10(max) - 1e-9);
  const mantissas = Math.log10(max / min) < 1.5 ? [1, 2, 5] : [1];
  const stride = Math.max(1, Math.ceil((hi - lo) / Math.max(1, target)));
  const major: number[] = [], minor: number[] = [];
  for (let e = lo; e <= hi; e++) {
    for (let m = 1; m <= 9; m++) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v < min * (1 - 1e-9) || v > max * (1 + 1e-9)) continue;
      if (stride > 1) {
        if (m === 1) (((e % stride) + stride) % stride === 0 ? major : minor).push(v);
      } else (mantissas.includes(m) ? major : minor).push(v);
    }
  }
  return major.length >= 2 ? { major, minor } : { major: niceTicks(min, max, target), minor: [] };
}

/** A linear tick label with as many decimals as the tick step needs; '−' for minus. */
export function formatTick(v: number, step: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  let s: string;
  if (a >= 1e5 || a < 1e-4) {
    const digits = Math.max(0, Math.floor(Math.log10(a) + 1e-9) - Math.floor(Math.log10(step) + 1e-9));
    s = v.toExponential(Math.min(digits, 12)).replace(/\.?0+e/, 'e').replace('e+', 'e');
  } else s = v.toFixed(Math.max(0, Math.min(12, -Math.floor(Math.log10(step) + 1e-9))));
  return s.replace(/-/g, '\u2212');
}

const SUPERSCRIPT: Record<string, string> = { '-': '\u207b', 0: '\u2070', 1: '\u00b9', 2: '\u00b2', 3: '\u00b3', 4: '\u2074', 5: '\u2075', 6: '\u2076', 7: '\u2077', 8: '\u2078', 9: '\u2079' };

/** Log-axis labels: 10², 10³, ... when all ticks are decades over 3 or more; else plain numbers. */
export function logTickLabels(ticks: number[]): string[] {
  const powers = ticks.map((v) => Math.round(Math.log10(v)));
  const decades = ticks.length > 1 && ticks.every((v, i) => Math.abs(v / 10 ** powers[i] - 1) < 1e-9);
  if (decades && powers[powers.length - 1] - powers[0] >= 3) return powers.map((k) => '10' + [...String(k)].map((c) => SUPERSCRIPT[c]).join(''));
  return ticks.map((v) => formatNumber(v, 6).replace(/-/g, '\u2212'));
}

/** Ticks and their labels for an axis showing [min, max], about `target` intervals. */
export function axisTicks(min: number, max: number, log: boolean, target: number): { ticks: number[]; labels: string[]; minor: number[] } {
  if (log) {
    const { major, minor } = logTicks(min, max, target);
    return { ticks: major, labels: logTickLabels(major), minor };
  }
  const ticks = niceTicks(min, max, target);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : Math.abs(ticks[0] ?? 1) || 1;
  return { ticks, labels: ticks.map((v) => formatTick(v, step)), minor: [] };
}

function axisLayout(label: string, min: number, max: number, log: boolean, target: number): AxisLayout {
  const { ticks, labels, minor } = axisTicks(min, max, log, target);
  return { label, min, max, log, ticks, tickLabels: labels, minorTicks: minor };
}

// ---------------------------------------------------------------------------------------
// Data ranges and cell edges
// ---------------------------------------------------------------------------------------

/**
 * Whether heatmap cell centres read best on a log axis: all positive, over more than a
 * decade, with steadier ratios than differences (a logspace grid, or a list like it).
 */
export function heatmapAxisIsLog(values: number[]): boolean {
  if (values.length < 3 || values.some((v) => !(v > 0))) return false;
  // loops, not Math.max(...d): a spread of 1e5+ values overflows the stack
  const spread = (d: number[]) => d.reduce((m, v) => Math.max(m, v), -Infinity) / d.reduce((m, v) => Math.min(m, v), Infinity);
  const lin = values.slice(1).map((v, i) => Math.abs(v - values[i]));
  const log = values.slice(1).map((v, i) => Math.abs(Math.log(v / values[i])));
  const ratio = spread(values);
  return ratio > 10 && spread(log) < spread(lin);
}

/** Cell edges around monotone centres: midpoints (geometric on log axes), ends mirrored. */
export function cellEdges(values: number[], log = false): number[] {
  const n = values.length;
  if (n === 0) return [];
  if (n === 1) {
    const v = values[0];
    return log ? [v / Math.SQRT2, v * Math.SQRT2] : [v - (Math.abs(v) * 0.1 || 0.5), v + (Math.abs(v) * 0.1 || 0.5)];
  }
  const f = log ? Math.log : (v: number) => v, g = log ? Math.exp : f;
  const t = values.map(f), edges = [t[0] - (t[1] - t[0]) / 2];
  for (let i = 0; i + 1 < n; i++) edges.push((t[i] + t[i + 1]) / 2);
  edges.push(t[n - 1] + (t[n - 1] - t[n - 2]) / 2);
  return edges.map(g);
}

function finite(v: number | null | undefined, log: boolean): v is number {
  return v != null && Number.isFinite(v) && (!log || v > 0);
}

/** [lo, hi] of the values, widened by `pad` of the span (in log10 on log axes). */
function paddedRange(values: number[], log: boolean, pad: number): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (lo > hi) return log ? [1, 10] : [0, 1];
  const f = log ? Math.log10 : (v: number) => v, g = log ? (v: number) => 10 ** v : f;
  let a = f(lo), b = f(hi);
  const widen = b - a > 1e-12 * Math.max(1, Math.abs(a)) ? (b - a) * pad : log ? 0.5 : Math.abs(a) * 0.1 || 0.5;
  a -= widen; b += widen;
  return [g(a), g(b)];
}

/** The data ranges a line figure shows: its `range`s, or the data (with bands and vlines) padded. */
export function lineDomains(fig: LineFigure): { x: [number, number]; y: [number, number] } {
  const xlog = !!fig.x.log, ylog = !!fig.y.log, xs: number[] = [], ys: number[] = [];
  for (const s of fig.series) {
    s.x.forEach((x, i) => {
      if (!finite(x, xlog)) return;
      const vals = [s.y[i], s.lower?.[i], s.upper?.[i]].filter((v): v is number => finite(v, ylog));
      if (vals.length) { xs.push(x); ys.push(...vals); }
    });
  }
  for (const v of fig.vlines ?? []) if (finite(v.x, xlog)) xs.push(v.x);
  return { x: fig.x.range ?? paddedRange(xs, xlog, 0.02), y: fig.y.range ?? paddedRange(ys, ylog, 0.05) };
}

/** The colour scale of a heatmap: zRange, else min..max of its finite cells. */
export function zDomain(fig: HeatmapFigure): [number, number] {
  if (fig.zRange) return fig.zRange;
  const zs = fig.z.flat().filter((v): v is number => finite(v, false));
  const [lo, hi] = paddedRange(zs, false, 0);
  return zs.length ? [lo, hi] : [0, 1];
}

// ---------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------

const font = (family: string, size: number, bold = false) => `${bold ? 'bold ' : ''}${size}px ${family}`;

/** Text width without a canvas: a mean glyph width of DejaVu Sans. */
export const approximateMeasure: Measure = (text, f) => text.length * 0.6 * Number(/(\d+(?:\.\d+)?)px/.exec(f)?.[1] ?? 12);

function fraction(a: AxisLayout, v: number): number {
  return a.log ? Math.log10(v / a.min) / Math.log10(a.max / a.min) : (v - a.min) / (a.max - a.min);
}

function unfraction(a: AxisLayout, f: number): number {
  return a.log ? a.min * (a.max / a.min) ** f : a.min + f * (a.max - a.min);
}

export function xToPixel(l: FigureLayout, v: number): number { return l.plot.left + fraction(l.x, v) * l.plot.width; }
export function yToPixel(l: FigureLayout, v: number): number { return l.plot.top + (1 - fraction(l.y, v)) * l.plot.height; }
export function pixelToX(l: FigureLayout, px: number): number { return unfraction(l.x, (px - l.plot.left) / l.plot.width); }
export function pixelToY(l: FigureLayout, py: number): number { return unfraction(l.y, 1 - (py - l.plot.top) / l.plot.height); }

interface Entry { label: string; color: string; dashed: boolean; line: boolean; marker: boolean }

function legendEntries(fig: Figure): Entry[] {
  if (fig.kind === 'heatmap') {
    return fig.overlays.map((o, i) => ({ label: o.label, color: o.color ?? OVERLAY_COLORS[i % OVERLAY_COLORS.length], dashed: !!o.dashed, line: true, marker: false }));
  }
  return fig.series.map((s, i) => ({ label: s.label, color: seriesColor(s, i), dashed: s.style === 'dashed', line: s.style !== 'points', marker: s.style === 'points' }));
}

/** Where everything goes, for a figure drawn at width x height (CSS pixels). */
export function figureLayout(fig: Figure, opts: LayoutOptions, measure: Measure = approximateMeasure): FigureLayout {
  const family = opts.fontFamily ?? FONT_FAMILY, W = opts.width, H = opts.height;
  const tickFont = font(family, FONT_SIZE.tick), legendFont = font(family, FONT_SIZE.legend);
  const widest = (labels: string[]) => Math.max(0, ...labels.map((s) => measure(s, tickFont)));
  const entries = legendEntries(fig).filter((e) => e.label);

  let xr: [number, number], yr: [number, number], xlog: boolean, ylog: boolean, edges: FigureLayout['edges'];
  if (fig.kind === 'heatmap') {
    xlog = heatmapAxisIsLog(fig.x.values); ylog = heatmapAxisIsLog(fig.y.values);
    edges = { x: cellEdges(fig.x.values, xlog), y: cellEdges(fig.y.values, ylog) };
    const ext = (e: number[]): [number, number] => (e.length ? [Math.min(e[0], e[e.length - 1]), Math.max(e[0], e[e.length - 1])] : [0, 1]);
    xr = ext(edges.x); yr = ext(edges.y);
  } else {
    ({ x: xr, y: yr } = lineDomains(fig));
    xlog = !!fig.x.log; ylog = !!fig.y.log;
  }

  // Top: title, then (heatmaps) a row of legend items packed left to right.
  let top = PAD + (fig.title ? FONT_SIZE.title * 1.3 + 6 : 0);
  const headerItems: LegendItem[] = [];
  if (fig.kind === 'heatmap' && entries.length) {
    let x = PAD, y = top + ROW / 2;
    for (const e of entries) {
      const w = SAMPLE + 6 + measure(e.label, legendFont) + 16;
      if (x > PAD && x + w > W - PAD) { x = PAD; y += ROW; }
      headerItems.push({ ...e, x, y });
      x += w;
    }
    top = y + ROW / 2 + 4;
  }
  const bottom = PAD + TICK + 3 + FONT_SIZE.tick * 1.2 + (fig.x.label ? 6 + FONT_SIZE.label * 1.2 : 0);
  const plotHeight = Math.max(20, H - top - bottom);

  const y = axisLayout(fig.y.label, yr[0], yr[1], ylog, Math.max(2, Math.round(plotHeight / 45)));
  const labelBand = (label: string) => (label ? FONT_SIZE.label * 1.2 + 6 : 0);
  const left = PAD + labelBand(fig.y.label) + widest(y.tickLabels) + 4 + TICK;

  let right = PAD + 12, colorbar: FigureLayout['colorbar'];
  if (fig.kind === 'heatmap') {
    const [z0, z1] = zDomain(fig);
    const z = axisLayout(fig.zLabel, z0, z1, false, Math.max(2, Math.round(plotHeight / 45)));
    right = PAD + labelBand(fig.zLabel) + widest(z.tickLabels) + 4 + TICK + BAR_WIDTH + BAR_GAP;
    colorbar = { rect: { left: W - right + BAR_GAP, top, width: BAR_WIDTH, height: plotHeight }, z };
  }
  const plotWidth = Math.max(20, W - left - right);

  // x ticks: fewer until the labels fit side by side.
  let x = axisLayout(fig.x.label, xr[0], xr[1], xlog, Math.max(2, Math.round(plotWidth / 90)));
  for (let target = Math.round(plotWidth / 90) - 1; target >= 2; target--) {
    if (x.tickLabels.reduce((s, t) => s + measure(t, tickFont) + 14, 0) <= plotWidth) break;
    x = axisLayout(fig.x.label, xr[0], xr[1], xlog, target);
  }

  const layout: FigureLayout = { width: W, height: H, fontFamily: family, plot: { left, top, width: plotWidth, height: plotHeight }, x, y, colorbar, edges };
  if (headerItems.length) layout.legend = { items: headerItems };
  else if (fig.kind === 'lines' && entries.length) layout.legend = lineLegend(fig, layout, entries, measure(entries.reduce((a, e) => (e.label.length > a.length ? e.label : a), ''), legendFont));
  return layout;
}

/** A framed legend in the plot corner that hides the fewest data points. */
function lineLegend(fig: LineFigure, l: FigureLayout, entries: Entry[], labelWidth: number): FigureLayout['legend'] {
  const w = 8 + SAMPLE + 6 + labelWidth + 8, h = entries.length * ROW + 8, inset = 8, p = l.plot;
  const corners: Rect[] = [
    { left: p.left + p.width - w - inset, top: p.top + inset, width: w, height: h },
    { left: p.left + inset, top: p.top + inset, width: w, height: h },
    { left: p.left + p.width - w - inset, top: p.top + p.height - h - inset, width: w, height: h },
    { left: p.left + inset, top: p.top + p.height - h - inset, width: w, height: h },
  ];
  const hits = corners.map(() => 0);
  for (const s of fig.series) {
    s.x.forEach((xv, i) => {
      for (const v of [s.y[i], s.lower?.[i], s.upper?.[i]]) {
        if (!finite(xv, l.x.log) || !finite(v, l.y.log)) continue;
        const px = xToPixel(l, xv), py = yToPixel(l, v);
        corners.forEach((r, k) => { if (px >= r.left && px <= r.left + r.width && py >= r.top && py <= r.top + r.height) hits[k]++; });
      }
    });
  }
  // a vertical line (and its label, at the top) through the box counts as many points
  for (const v of fig.vlines ?? []) {
    if (!finite(v.x, l.x.log)) continue;
    const px = xToPixel(l, v.x);
    corners.forEach((r, k) => { if (px >= r.left - 16 && px <= r.left + r.width + 4) hits[k] += k < 2 ? 40 : 20; });
  }
  const box = corners[hits.indexOf(Math.min(...hits))];
  return { box, items: entries.map((e, i) => ({ ...e, x: box.left + 8, y: box.top + 4 + ROW * (i + 0.5) })) };
}

// ---------------------------------------------------------------------------------------
// Hover
// ---------------------------------------------------------------------------------------

export interface HeatmapCell {
  ix: number;
  iy: number;
  /** the cell centre */
  x: number;
  y: number;
  z: number | null;
  /** the cell on the canvas, CSS pixels */
  rect: Rect;
}

/** The heatmap cell under the point (px, py) in CSS pixels, or null outside the cells. */
export function heatmapCellAt(fig: HeatmapFigure, layout: FigureLayout, px: number, py: number): HeatmapCell | null {
  const { plot, edges } = layout;
  if (!edges || px < plot.left || px > plot.left + plot.width || py < plot.top || py > plot.top + plot.height) return null;
  const find = (e: number[], v: number) => e.findIndex((a, i) => i + 1 < e.length && v >= Math.min(a, e[i + 1]) && v <= Math.max(a, e[i + 1]));
  const ix = find(edges.x, pixelToX(layout, px)), iy = find(edges.y, pixelToY(layout, py));
  if (ix < 0 || iy < 0) return null;
  const x0 = xToPixel(layout, edges.x[ix]), x1 = xToPixel(layout, edges.x[ix + 1]);
  const y0 = yToPixel(layout, edges.y[iy]), y1 = yToPixel(layout, edges.y[iy + 1]);
  return {
    ix, iy, x: fig.x.values[ix], y: fig.y.values[iy], z: fig.z[iy]?.[ix] ?? null,
    rect: { left: Math.min(x0, x1), top: Math.min(y0, y1), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0) },
  };
}

// ---------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------

/** Draws the figure over the whole context (width x height CSS pixels) and returns its layout. */
export function drawFigure(ctx: DrawContext, fig: Figure, opts: DrawOptions): FigureLayout {
  const dpr = opts.dpr ?? 1;
  ctx.save();
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const l = figureLayout(fig, opts, (text, f) => { ctx.font = f; return ctx.measureText(text).width; });
  ctx.fillStyle = opts.background ?? '#ffffff';
  ctx.fillRect(0, 0, l.width, l.height);
  ctx.lineJoin = 'round';
  ctx.lineCap = 'butt';
  // 1-px lines on device-pixel centres
  const snap = (v: number) => (Math.round(v * dpr) + (Math.round(dpr) % 2 ? 0.5 : 0)) / dpr;

  if (fig.kind === 'heatmap') drawCells(ctx, fig, l, dpr);
  else drawGrid(ctx, l, snap);

  clipToPlot(ctx, l, () => {
    if (fig.kind === 'heatmap') {
      fig.overlays.forEach((o, i) => {
        strokeTrace(ctx, l, o.x, o.y, o.color ?? OVERLAY_COLORS[i % OVERLAY_COLORS.length], 2, o.dashed ? [7, 5] : []);
      });
    } else {
      fig.series.forEach((s, i) => drawBand(ctx, l, s, seriesColor(s, i)));
      for (const v of fig.vlines ?? []) drawVline(ctx, l, v, snap);
      fig.series.forEach((s, i) => drawSeries(ctx, l, s, seriesColor(s, i)));
    }
  });

  drawAxes(ctx, l, snap);
  if (l.colorbar) drawColorbar(ctx, l, l.colorbar, snap);
  if (l.legend) drawLegend(ctx, l);
  if (fig.title) drawTitle(ctx, l, fig.title);
  ctx.restore();
  return l;
}

function clipToPlot(ctx: DrawContext, l: FigureLayout, body: () => void): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(l.plot.left, l.plot.top, l.plot.width, l.plot.height);
  ctx.clip();
  body();
  ctx.restore();
}

function drawCells(ctx: DrawContext, fig: HeatmapFigure, l: FigureLayout, dpr: number): void {
  const { x: ex, y: ey } = l.edges!, z = l.colorbar!.z;
  // Edges rounded to device pixels: neighbours share them, so no seams.
  const px = ex.map((v) => Math.round(xToPixel(l, v) * dpr) / dpr), py = ey.map((v) => Math.round(yToPixel(l, v) * dpr) / dpr);
  for (let iy = 0; iy + 1 < py.length; iy++) {
    for (let ix = 0; ix + 1 < px.length; ix++) {
      const v = fig.z[iy]?.[ix];
      ctx.fillStyle = finite(v, false) ? viridis((v - z.min) / (z.max - z.min)) : NULL_CELL;
      ctx.fillRect(Math.min(px[ix], px[ix + 1]), Math.min(py[iy], py[iy + 1]), Math.abs(px[ix + 1] - px[ix]), Math.abs(py[iy + 1] - py[iy]));
    }
  }
}

function drawGrid(ctx: DrawContext, l: FigureLayout, snap: (v: number) => number): void {
  const { left, top, width, height } = l.plot;
  ctx.strokeStyle = GRID;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const t of l.x.ticks) { const x = snap(xToPixel(l, t)); ctx.moveTo(x, top); ctx.lineTo(x, top + height); }
  for (const t of l.y.ticks) { const y = snap(yToPixel(l, t)); ctx.moveTo(left, y); ctx.lineTo(left + width, y); }
  ctx.stroke();
}

/** A polyline in data coordinates, broken at nulls and at values a log axis cannot show. */
function tracePath(ctx: DrawContext, l: FigureLayout, xs: number[], ys: (number | null)[]): void {
  let pen = false;
  ctx.beginPath();
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i], y = ys[i];
    if (!finite(x, l.x.log) || !finite(y, l.y.log)) { pen = false; continue; }
    const px = xToPixel(l, x), py = yToPixel(l, y);
    if (pen) ctx.lineTo(px, py); else ctx.moveTo(px, py);
    pen = true;
  }
}

function strokeTrace(ctx: DrawContext, l: FigureLayout, xs: number[], ys: (number | null)[], color: string, width: number, dash: number[]): void {
  tracePath(ctx, l, xs, ys);
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.stroke();
  ctx.setLineDash([]);
}

/** The series' lower..upper band, one translucent polygon per run of defined points. */
function drawBand(ctx: DrawContext, l: FigureLayout, s: Series, color: string): void {
  const { lower, upper } = s;
  if (!lower || !upper) return;
  const ok = (i: number) => finite(s.x[i], l.x.log) && finite(lower[i], l.y.log) && finite(upper[i], l.y.log);
  ctx.fillStyle = color;
  ctx.globalAlpha = 0.18;
  for (let i = 0; i < s.x.length; ) {
    if (!ok(i)) { i++; continue; }
    let j = i;
    while (j + 1 < s.x.length && ok(j + 1)) j++;
    ctx.beginPath();
    for (let k = i; k <= j; k++) ctx.lineTo(xToPixel(l, s.x[k]), yToPixel(l, upper[k]!));
    for (let k = j; k >= i; k--) ctx.lineTo(xToPixel(l, s.x[k]), yToPixel(l, lower[k]!));
    ctx.closePath();
    ctx.fill();
    i = j + 1;
  }
  ctx.globalAlpha = 1;
}

function drawSeries(ctx: DrawContext, l: FigureLayout, s: Series, color: string): void {
  if (s.style !== 'points') strokeTrace(ctx, l, s.x, s.y, color, 1.75, s.style === 'dashed' ? [6, 4] : []);
  else {
    ctx.fillStyle = color;
    s.x.forEach((x, i) => {
      const y = s.y[i];
      if (!finite(x, l.x.log) || !finite(y, l.y.log)) return;
      ctx.beginPath();
      ctx.arc(xToPixel(l, x), yToPixel(l, y), 3, 0, 2 * Math.PI);
      ctx.fill();
    });
  }
}

/** A dashed vertical line with its label written upwards beside it, at the top. */
function drawVline(ctx: DrawContext, l: FigureLayout, v: { x: number; label: string; color?: string }, snap: (v: number) => number): void {
  if (!finite(v.x, l.x.log)) return;
  const x = snap(xToPixel(l, v.x)), color = v.color ?? VLINE;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.25;
  ctx.setLineDash([5, 4]);
  ctx.beginPath();
  ctx.moveTo(x, l.plot.top);
  ctx.lineTo(x, l.plot.top + l.plot.height);
  ctx.stroke();
  ctx.setLineDash([]);
  if (!v.label) return;
  ctx.save();
  ctx.translate(x + 3, l.plot.top + 6);
  ctx.rotate(-Math.PI / 2);
  ctx.font = font(l.fontFamily, FONT_SIZE.legend);
  ctx.fillStyle = color;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'top';
  ctx.fillText(v.label, 0, 0);
  ctx.restore();
}

function text(ctx: DrawContext, s: string, x: number, y: number, f: string, align: DrawContext['textAlign'], baseline: DrawContext['textBaseline'], angle = 0): void {
  ctx.save();
  ctx.translate(x, y);
  if (angle) ctx.rotate(angle);
  ctx.font = f;
  ctx.fillStyle = INK;
  ctx.textAlign = align;
  ctx.textBaseline = baseline;
  ctx.fillText(s, 0, 0);
  ctx.restore();
}

function drawAxes(ctx: DrawContext, l: FigureLayout, snap: (v: number) => number): void {
  const { left, top, width, height } = l.plot, bottom = top + height, f = font(l.fontFamily, FONT_SIZE.tick);
  ctx.strokeStyle = FRAME;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.rect(snap(left), snap(top), snap(left + width) - snap(left), snap(bottom) - snap(top));
  const tick = (x0: number, y0: number, dx: number, dy: number) => { ctx.moveTo(x0, y0); ctx.lineTo(x0 + dx, y0 + dy); };
  for (const t of l.x.ticks) tick(snap(xToPixel(l, t)), bottom, 0, TICK);
  for (const t of l.x.minorTicks) tick(snap(xToPixel(l, t)), bottom, 0, TICK / 2);
  for (const t of l.y.ticks) tick(left, snap(yToPixel(l, t)), -TICK, 0);
  for (const t of l.y.minorTicks) tick(left, snap(yToPixel(l, t)), -TICK / 2, 0);
  ctx.stroke();
  l.x.ticks.forEach((t, i) => text(ctx, l.x.tickLabels[i], xToPixel(l, t), bottom + TICK + 3, f, 'center', 'top'));
  l.y.ticks.forEach((t, i) => text(ctx, l.y.tickLabels[i], left - TICK - 4, yToPixel(l, t), f, 'right', 'middle'));
  const lf = font(l.fontFamily, FONT_SIZE.label);
  if (l.x.label) text(ctx, l.x.label, left + width / 2, l.height - PAD, lf, 'center', 'bottom');
  if (l.y.label) text(ctx, l.y.label, PAD, top + height / 2, lf, 'center', 'top', -Math.PI / 2);
}

function drawColorbar(ctx: DrawContext, l: FigureLayout, cb: NonNullable<FigureLayout['colorbar']>, snap: (v: number) => number): void {
  const { rect: r, z } = cb, steps = Math.max(2, Math.round(r.height));
  for (let i = 0; i < steps; i++) {
    ctx.fillStyle = viridis((i + 0.5) / steps);
    const y0 = r.top + r.height * (1 - (i + 1) / steps);
    ctx.fillRect(r.left, y0, r.width, r.height / steps + 0.5);
  }
  const at = (v: number) => r.top + r.height * (1 - (v - z.min) / (z.max - z.min));
  const x1 = r.left + r.width;
  ctx.strokeStyle = FRAME;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.rect(snap(r.left), snap(r.top), snap(x1) - snap(r.left), snap(r.top + r.height) - snap(r.top));
  for (const t of z.ticks) { ctx.moveTo(x1, snap(at(t))); ctx.lineTo(x1 + TICK, snap(at(t))); }
  ctx.stroke();
  const f = font(l.fontFamily, FONT_SIZE.tick);
  z.ticks.forEach((t, i) => text(ctx, z.tickLabels[i], x1 + TICK + 4, at(t), f, 'left', 'middle'));
  if (z.label) text(ctx, z.label, l.width - PAD, r.top + r.height / 2, font(l.fontFamily, FONT_SIZE.label), 'center', 'bottom', -Math.PI / 2);
}

function drawLegend(ctx: DrawContext, l: FigureLayout): void {
  const { box, items } = l.legend!;
  if (box) {
    ctx.fillStyle = 'rgba(255,255,255,0.88)';
    ctx.fillRect(box.left, box.top, box.width, box.height);
    ctx.strokeStyle = '#cccccc';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.rect(box.left, box.top, box.width, box.height);
    ctx.stroke();
  }
  const f = font(l.fontFamily, FONT_SIZE.legend);
  for (const it of items) {
    // white lines and markers need a dark outline on the white page
    const light = /^#f{3}(f{3})?$/i.test(it.color);
    if (it.line) {
      if (light) { ctx.strokeStyle = '#999999'; ctx.lineWidth = 4; ctx.beginPath(); ctx.moveTo(it.x, it.y); ctx.lineTo(it.x + SAMPLE, it.y); ctx.stroke(); }
      ctx.strokeStyle = it.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(it.dashed ? [6, 4] : []);
      ctx.beginPath();
      ctx.moveTo(it.x, it.y);
      ctx.lineTo(it.x + SAMPLE, it.y);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (it.marker) {
      ctx.fillStyle = it.color;
      ctx.beginPath();
      ctx.arc(it.x + SAMPLE / 2, it.y, 3, 0, 2 * Math.PI);
      ctx.fill();
    }
    text(ctx, it.label, it.x + SAMPLE + 6, it.y, f, 'left', 'middle');
  }
}

/** Bold, centred over the plot (over the canvas if wider), shrunk to fit. */
function drawTitle(ctx: DrawContext, l: FigureLayout, title: string): void {
  let size: number = FONT_SIZE.title;
  ctx.font = font(l.fontFamily, size, true);
  while (size > 9 && ctx.measureText(title).width > l.width - 2 * PAD) ctx.font = font(l.fontFamily, --size, true);
  const w = ctx.measureText(title).width, centre = l.plot.left + l.plot.width / 2;
  const x = Math.min(Math.max(centre, PAD + w / 2), l.width - PAD - w / 2);
  text(ctx, title, x, PAD, font(l.fontFamily, size, true), 'center', 'top');
}

// The layout of a figure for draw.ts: data ranges (padded, or a heatmap's cell edges), the
// plot rectangle left after the title (wrapped onto more lines where it is too long for one),
// tick labels, axis labels, colour bar and an optional caption under it all, the legend (rows
// above a heatmap; in a line plot a framed box in a corner that no data crosses, else rows
// above the plot: a legend never covers data), the mapping between data and CSS pixels, and
// the heatmap cell under a point (hover). Browser-safe.

import type { Figure, HeatmapFigure, LineFigure } from '../../experiments/types.js';
import { THEME_COLORS, type Theme, type ThemeColors } from '../colors.js';
import { axisLayout, type AxisLayout } from './ticks.js';

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
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

/** Text set on lines: the lines, the font size and (captions) the top of the first line. */
export interface TextBlock {
  lines: string[];
  size: number;
  top: number;
}

export interface FigureLayout {
  width: number;
  height: number;
  fontFamily: string;
  /** the theme's non-data colours */
  colors: ThemeColors;
  /** the title as set: one line at the title size if it fits, else smaller, else wrapped */
  title?: TextBlock | undefined;
  /** a caption under the axes (e.g. an exported PNG's parameters and seed) */
  caption?: TextBlock | undefined;
  plot: Rect;
  x: AxisLayout;
  y: AxisLayout;
  /** heatmaps: the colour bar and the z scale */
  colorbar?: { rect: Rect; z: AxisLayout } | undefined;
  /** heatmaps: cell edges, n + 1 per axis, midway between the cell centres */
  edges?: { x: number[]; y: number[] } | undefined;
  /** `box`: the framed legend inside a line plot; heatmaps list theirs above the plot */
  legend?: { box?: Rect; items: LegendItem[] } | undefined;
}

export interface LayoutOptions {
  width: number;
  height: number;
  fontFamily?: string;
  /** 'light' (default) or 'dark': the background, ink, frame and grid colours */
  theme?: Theme;
  /** a caption set under the figure, wrapped to its width */
  caption?: string;
}

/** Text width in CSS pixels for a CSS font string. */
export type Measure = (text: string, font: string) => number;

export const FONT_FAMILY = '"DejaVu Sans", "Helvetica Neue", Helvetica, Arial, sans-serif';
export const FONT_SIZE = { title: 14, label: 13, tick: 12, legend: 12, caption: 11 } as const;
/** Metrics in CSS pixels: margin, tick length, colour bar gap and width, legend row, line sample. */
export const PAD = 10,
  TICK = 5,
  BAR_GAP = 14,
  BAR_WIDTH = 14,
  ROW = 18,
  SAMPLE = 24;

/** A legend entry before it is placed: label, colour and what sample it shows. */
export interface LegendEntry {
  label: string;
  color: string;
  dashed: boolean;
  line: boolean;
  marker: boolean;
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
  const f = log ? Math.log : (v: number) => v,
    g = log ? Math.exp : f;
  const t = values.map(f),
    edges = [t[0] - (t[1] - t[0]) / 2];
  for (let i = 0; i + 1 < n; i++) edges.push((t[i] + t[i + 1]) / 2);
  edges.push(t[n - 1] + (t[n - 1] - t[n - 2]) / 2);
  return edges.map(g);
}

/** A value an axis can show: finite (and positive on a log axis). */
export function finite(v: number | null | undefined, log: boolean): v is number {
  return v != null && Number.isFinite(v) && (!log || v > 0);
}

/** [lo, hi] of the values, widened by `pad` of the span (in log10 on log axes). */
function paddedRange(values: number[], log: boolean, pad: number): [number, number] {
  let lo = Infinity,
    hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return log ? [1, 10] : [0, 1];
  const f = log ? Math.log10 : (v: number) => v,
    g = log ? (v: number) => 10 ** v : f;
  let a = f(lo),
    b = f(hi);
  const widen = b - a > 1e-12 * Math.max(1, Math.abs(a)) ? (b - a) * pad : log ? 0.5 : Math.abs(a) * 0.1 || 0.5;
  a -= widen;
  b += widen;
  return [g(a), g(b)];
}

/** The data ranges a line figure shows: its `range`s, or the data (with bands and vlines) padded. */
export function lineDomains(fig: LineFigure): { x: [number, number]; y: [number, number] } {
  const xlog = !!fig.x.log,
    ylog = !!fig.y.log,
    xs: number[] = [],
    ys: number[] = [];
  for (const s of fig.series) {
    s.x.forEach((x, i) => {
      if (!finite(x, xlog)) return;
      const vals = [s.y[i], s.lower?.[i], s.upper?.[i]].filter((v): v is number => finite(v, ylog));
      if (vals.length) {
        xs.push(x);
        ys.push(...vals);
      }
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

/** A CSS font string. */
export const font = (family: string, size: number, bold = false) => `${bold ? 'bold ' : ''}${size}px ${family}`;

/** Text width without a canvas: a mean glyph width of DejaVu Sans. */
export const approximateMeasure: Measure = (text, f) => text.length * 0.6 * Number(/(\d+(?:\.\d+)?)px/.exec(f)?.[1] ?? 12);

function fraction(a: AxisLayout, v: number): number {
  return a.log ? Math.log10(v / a.min) / Math.log10(a.max / a.min) : (v - a.min) / (a.max - a.min);
}

function unfraction(a: AxisLayout, f: number): number {
  return a.log ? a.min * (a.max / a.min) ** f : a.min + f * (a.max - a.min);
}

export function xToPixel(l: FigureLayout, v: number): number {
  return l.plot.left + fraction(l.x, v) * l.plot.width;
}
export function yToPixel(l: FigureLayout, v: number): number {
  return l.plot.top + (1 - fraction(l.y, v)) * l.plot.height;
}
export function pixelToX(l: FigureLayout, px: number): number {
  return unfraction(l.x, (px - l.plot.left) / l.plot.width);
}
export function pixelToY(l: FigureLayout, py: number): number {
  return unfraction(l.y, 1 - (py - l.plot.top) / l.plot.height);
}

/** Words packed onto lines no wider than `width` (a word wider than that gets its own line). */
export function wrapText(text: string, width: number, f: string, measure: Measure): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && measure(next, f) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** The title on one line at 14 px, else at 12 px, else wrapped at 12 px. */
function titleBlock(title: string, width: number, family: string, measure: Measure): TextBlock | undefined {
  if (!title) return undefined;
  for (const size of [FONT_SIZE.title, 12]) if (measure(title, font(family, size, true)) <= width) return { lines: [title], size, top: PAD };
  return { lines: wrapText(title, width, font(family, 12, true), measure), size: 12, top: PAD };
}

/**
 * Where everything goes, for a figure drawn at width x height (CSS pixels), with its legend
 * entries (draw.ts picks their colours; unlabelled ones are left out). A line plot's legend
 * goes in the corner of the plot that no data crosses; where every corner has data it goes
 * in rows above the plot, as a heatmap's always does.
 */
export function layoutFigure(fig: Figure, legend: LegendEntry[], opts: LayoutOptions, measure: Measure): FigureLayout {
  const entries = legend.filter((e) => e.label);
  if (fig.kind === 'heatmap' || !entries.length) return placeFigure(fig, entries, opts, measure);
  const inside = placeFigure(fig, [], opts, measure);
  const legendFont = font(inside.fontFamily, FONT_SIZE.legend);
  const labelWidth = Math.max(...entries.map((e) => measure(e.label, legendFont)));
  const corner = lineLegend(fig, inside, entries, labelWidth);
  if (corner) {
    inside.legend = corner;
    return inside;
  }
  return placeFigure(fig, entries, opts, measure);
}

/** The layout with `header` legend entries in rows above the plot (none: no legend yet). */
function placeFigure(fig: Figure, header: LegendEntry[], opts: LayoutOptions, measure: Measure): FigureLayout {
  const family = opts.fontFamily ?? FONT_FAMILY,
    W = opts.width,
    H = opts.height;
  const tickFont = font(family, FONT_SIZE.tick),
    legendFont = font(family, FONT_SIZE.legend);
  const widest = (labels: string[]) => Math.max(0, ...labels.map((s) => measure(s, tickFont)));

  let xr: [number, number], yr: [number, number], xlog: boolean, ylog: boolean, edges: FigureLayout['edges'];
  if (fig.kind === 'heatmap') {
    xlog = heatmapAxisIsLog(fig.x.values);
    ylog = heatmapAxisIsLog(fig.y.values);
    edges = { x: cellEdges(fig.x.values, xlog), y: cellEdges(fig.y.values, ylog) };
    const ext = (e: number[]): [number, number] => (e.length ? [Math.min(e[0], e[e.length - 1]), Math.max(e[0], e[e.length - 1])] : [0, 1]);
    xr = ext(edges.x);
    yr = ext(edges.y);
  } else {
    ({ x: xr, y: yr } = lineDomains(fig));
    xlog = !!fig.x.log;
    ylog = !!fig.y.log;
  }

  // Top: title, then a row of legend items packed left to right.
  const title = titleBlock(fig.title, W - 2 * PAD, family, measure);
  let top = PAD + (title ? title.lines.length * title.size * 1.3 + 6 : 0);
  const headerItems: LegendItem[] = [];
  if (header.length) {
    let x = PAD,
      y = top + ROW / 2;
    for (const e of header) {
      const w = SAMPLE + 6 + measure(e.label, legendFont) + 16;
      if (x > PAD && x + w > W - PAD) {
        x = PAD;
        y += ROW;
      }
      headerItems.push({ ...e, x, y });
      x += w;
    }
    top = y + ROW / 2 + 4;
  }
  const captionLines = opts.caption ? wrapText(opts.caption, W - 2 * PAD, font(family, FONT_SIZE.caption), measure) : [];
  const captionHeight = captionLines.length ? captionLines.length * FONT_SIZE.caption * 1.3 + 8 : 0;
  const bottom = PAD + TICK + 3 + FONT_SIZE.tick * 1.2 + (fig.x.label ? 6 + FONT_SIZE.label * 1.2 : 0) + captionHeight;
  const plotHeight = Math.max(20, H - top - bottom);

  const y = axisLayout(fig.y.label, yr[0], yr[1], ylog, Math.max(2, Math.round(plotHeight / 45)));
  const labelBand = (label: string) => (label ? FONT_SIZE.label * 1.2 + 6 : 0);
  const left = PAD + labelBand(fig.y.label) + widest(y.tickLabels) + 4 + TICK;

  let right = PAD + 12,
    colorbar: FigureLayout['colorbar'];
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

  const layout: FigureLayout = {
    width: W,
    height: H,
    fontFamily: family,
    colors: THEME_COLORS[opts.theme ?? 'light'],
    title,
    caption: captionLines.length ? { lines: captionLines, size: FONT_SIZE.caption, top: H - captionHeight + 4 } : undefined,
    plot: { left, top, width: plotWidth, height: plotHeight },
    x,
    y,
    colorbar,
    edges,
  };
  if (headerItems.length) layout.legend = { items: headerItems };
  return layout;
}

/** Whether the segment (x0, y0)-(x1, y1) meets the rectangle (Liang-Barsky clipping). */
export function segmentMeetsRect(x0: number, y0: number, x1: number, y1: number, r: Rect): boolean {
  let t0 = 0,
    t1 = 1;
  const dx = x1 - x0,
    dy = y1 - y0;
  const edges: [number, number][] = [
    [-dx, x0 - r.left],
    [dx, r.left + r.width - x0],
    [-dy, y0 - r.top],
    [dy, r.top + r.height - y0],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 > t1) return false;
    }
  }
  return true;
}

/**
 * A framed legend in a corner of the plot that no data crosses (points, the lines between
 * them, band edges, vertical lines and their labels), or null where every corner has some.
 */
function lineLegend(fig: LineFigure, l: FigureLayout, entries: LegendEntry[], labelWidth: number): FigureLayout['legend'] | null {
  const w = 8 + SAMPLE + 6 + labelWidth + 8,
    h = entries.length * ROW + 8,
    inset = 8,
    p = l.plot;
  if (w + 2 * inset > p.width || h + 2 * inset > p.height) return null;
  const corners: Rect[] = [
    { left: p.left + p.width - w - inset, top: p.top + inset, width: w, height: h },
    { left: p.left + inset, top: p.top + inset, width: w, height: h },
    { left: p.left + p.width - w - inset, top: p.top + p.height - h - inset, width: w, height: h },
    { left: p.left + inset, top: p.top + p.height - h - inset, width: w, height: h },
  ];
  // a margin of a few pixels around the box, so lines do not graze it either
  const grown = corners.map((r) => ({ left: r.left - 3, top: r.top - 3, width: r.width + 6, height: r.height + 6 }));
  const free = grown.map(() => true);
  const trace = (xs: number[], ys: (number | null | undefined)[], lines: boolean) => {
    let prev: [number, number] | null = null;
    xs.forEach((xv, i) => {
      const v = ys[i];
      if (!finite(xv, l.x.log) || !finite(v, l.y.log)) {
        prev = null;
        return;
      }
      const pt: [number, number] = [xToPixel(l, xv), yToPixel(l, v)];
      const from: [number, number] = lines && prev ? prev : pt;
      grown.forEach((r, k) => {
        if (free[k] && segmentMeetsRect(from[0], from[1], pt[0], pt[1], r)) free[k] = false;
      });
      prev = pt;
    });
  };
  for (const s of fig.series) {
    trace(s.x, s.y, s.style !== 'points');
    const { lower, upper } = s;
    if (!lower || !upper) continue;
    // the band between its edges: each piece's bounding box
    for (let i = 0; i + 1 < s.x.length; i++) {
      const xs = [s.x[i], s.x[i + 1]],
        ys = [lower[i], upper[i], lower[i + 1], upper[i + 1]];
      if (!xs.every((v) => finite(v, l.x.log)) || !ys.every((v) => finite(v, l.y.log))) continue;
      const px = xs.map((v) => xToPixel(l, v)),
        py = (ys as number[]).map((v) => yToPixel(l, v));
      const piece = { left: Math.min(...px), top: Math.min(...py), width: Math.abs(px[1] - px[0]), height: Math.max(...py) - Math.min(...py) };
      grown.forEach((r, k) => {
        const meets =
          piece.left <= r.left + r.width && piece.left + piece.width >= r.left && piece.top <= r.top + r.height && piece.top + piece.height >= r.top;
        if (free[k] && meets) free[k] = false;
      });
    }
  }
  // a vertical line, with its label written down from the top beside it
  for (const v of fig.vlines ?? []) {
    if (!finite(v.x, l.x.log)) continue;
    const px = xToPixel(l, v.x);
    grown.forEach((r, k) => {
      if (px >= r.left - 16 && px <= r.left + r.width + 4) free[k] = false;
    });
  }
  const k = free.indexOf(true);
  if (k < 0) return null;
  const box = corners[k];
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
  const ix = find(edges.x, pixelToX(layout, px)),
    iy = find(edges.y, pixelToY(layout, py));
  if (ix < 0 || iy < 0) return null;
  const x0 = xToPixel(layout, edges.x[ix]),
    x1 = xToPixel(layout, edges.x[ix + 1]);
  const y0 = yToPixel(layout, edges.y[iy]),
    y1 = yToPixel(layout, edges.y[iy + 1]);
  return {
    ix,
    iy,
    x: fig.x.values[ix],
    y: fig.y.values[iy],
    z: fig.z[iy]?.[ix] ?? null,
    rect: { left: Math.min(x0, x1), top: Math.min(y0, y1), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0) },
  };
}

// Painting a laid-out figure (layout.ts) for draw.ts: heatmap cells and the colour map,
// grid, lines, markers and bands, vertical lines, axes with ticks and labels, the colour bar,
// the legend and the title. Every function draws on a DrawContext in CSS pixels (the caller
// has set the dpr transform). Browser-safe.

import type { HeatmapFigure, Series } from '../../experiments/types.js';
import { contrastRatio } from '../colors.js';
import { finite, font, FONT_SIZE, PAD, SAMPLE, TICK, xToPixel, yToPixel, type FigureLayout } from './layout.js';
import { fillRich, richWidth } from './rich.js';

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

// The non-data colours (ink, frame, grid, missing cells, legend box) are the layout's theme
// colours (colors.ts THEME_COLORS).

// ---------------------------------------------------------------------------------------
// Colour map
// ---------------------------------------------------------------------------------------

/** viridis at t = 0, 1/9, ..., 1 (van der Walt & Smith, matplotlib); linear in between. */
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'].map((h) =>
  [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)),
);

/** viridis(t) for t in [0, 1] (clamped) as 'rgb(r,g,b)'. */
export function viridis(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u)),
    f = u - i;
  const [r, g, b] = VIRIDIS[i].map((c, k) => Math.round(c + f * (VIRIDIS[i + 1][k] - c)));
  return `rgb(${r},${g},${b})`;
}

// ---------------------------------------------------------------------------------------
// Painting
// ---------------------------------------------------------------------------------------

/** Runs `body` with drawing clipped to the plot rectangle. */
export function clipToPlot(ctx: DrawContext, l: FigureLayout, body: () => void): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(l.plot.left, l.plot.top, l.plot.width, l.plot.height);
  ctx.clip();
  body();
  ctx.restore();
}

/** The heatmap's cells in viridis (missing cells grey). */
export function drawCells(ctx: DrawContext, fig: HeatmapFigure, l: FigureLayout, dpr: number): void {
  const { x: ex, y: ey } = l.edges!,
    z = l.colorbar!.z;
  // Edges rounded to device pixels: neighbours share them, so no seams.
  const px = ex.map((v) => Math.round(xToPixel(l, v) * dpr) / dpr),
    py = ey.map((v) => Math.round(yToPixel(l, v) * dpr) / dpr);
  for (let iy = 0; iy + 1 < py.length; iy++) {
    for (let ix = 0; ix + 1 < px.length; ix++) {
      const v = fig.z[iy]?.[ix];
      ctx.fillStyle = finite(v, false) ? viridis((v - z.min) / (z.max - z.min)) : l.colors.nullCell;
      ctx.fillRect(Math.min(px[ix], px[ix + 1]), Math.min(py[iy], py[iy + 1]), Math.abs(px[ix + 1] - px[ix]), Math.abs(py[iy + 1] - py[iy]));
    }
  }
}

/** Light grid lines at the major ticks (line plots). */
export function drawGrid(ctx: DrawContext, l: FigureLayout, snap: (v: number) => number): void {
  const { left, top, width, height } = l.plot;
  ctx.strokeStyle = l.colors.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const t of l.x.ticks) {
    const x = snap(xToPixel(l, t));
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
  }
  for (const t of l.y.ticks) {
    const y = snap(yToPixel(l, t));
    ctx.moveTo(left, y);
    ctx.lineTo(left + width, y);
  }
  ctx.stroke();
}

/** A polyline in data coordinates, broken at nulls and at values a log axis cannot show. */
function tracePath(ctx: DrawContext, l: FigureLayout, xs: number[], ys: (number | null)[]): void {
  let pen = false;
  ctx.beginPath();
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i],
      y = ys[i];
    if (!finite(x, l.x.log) || !finite(y, l.y.log)) {
      pen = false;
      continue;
    }
    const px = xToPixel(l, x),
      py = yToPixel(l, y);
    if (pen) ctx.lineTo(px, py);
    else ctx.moveTo(px, py);
    pen = true;
  }
}

/** A polyline (tracePath) stroked in one colour, width and dash pattern. */
export function strokeTrace(
  ctx: DrawContext,
  l: FigureLayout,
  xs: number[],
  ys: (number | null)[],
  color: string,
  width: number,
  dash: number[],
): void {
  tracePath(ctx, l, xs, ys);
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.stroke();
  ctx.setLineDash([]);
}

/** The series' lower..upper band, one translucent polygon per run of defined points. */
export function drawBand(ctx: DrawContext, l: FigureLayout, s: Series, color: string): void {
  const { lower, upper } = s;
  if (!lower || !upper) return;
  const ok = (i: number) => finite(s.x[i], l.x.log) && finite(lower[i], l.y.log) && finite(upper[i], l.y.log);
  ctx.fillStyle = color;
  ctx.globalAlpha = 0.18;
  for (let i = 0; i < s.x.length; ) {
    if (!ok(i)) {
      i++;
      continue;
    }
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

/** A series as a line (solid or dashed) or as round markers. */
export function drawSeries(ctx: DrawContext, l: FigureLayout, s: Series, color: string): void {
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
export function drawVline(ctx: DrawContext, l: FigureLayout, v: { x: number; label: string; color?: string }, snap: (v: number) => number): void {
  if (!finite(v.x, l.x.log)) return;
  const x = snap(xToPixel(l, v.x)),
    color = v.color ?? l.colors.frame;
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
  fillRich(ctx, v.label, 0, 0);
  ctx.restore();
}

/** One string in the ink colour at (x, y), optionally rotated about that point; subscripts set (rich.ts). */
function text(
  ctx: DrawContext,
  ink: string,
  s: string,
  x: number,
  y: number,
  f: string,
  align: DrawContext['textAlign'],
  baseline: DrawContext['textBaseline'],
  angle = 0,
): void {
  ctx.save();
  ctx.translate(x, y);
  if (angle) ctx.rotate(angle);
  ctx.font = f;
  ctx.fillStyle = ink;
  ctx.textAlign = align;
  ctx.textBaseline = baseline;
  fillRich(ctx, s, 0, 0);
  ctx.restore();
}

/** The plot frame, ticks (major and minor), tick labels and axis labels. */
export function drawAxes(ctx: DrawContext, l: FigureLayout, snap: (v: number) => number): void {
  const { left, top, width, height } = l.plot,
    bottom = top + height,
    f = font(l.fontFamily, FONT_SIZE.tick);
  ctx.strokeStyle = l.colors.frame;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.rect(snap(left), snap(top), snap(left + width) - snap(left), snap(bottom) - snap(top));
  const tick = (x0: number, y0: number, dx: number, dy: number) => {
    ctx.moveTo(x0, y0);
    ctx.lineTo(x0 + dx, y0 + dy);
  };
  for (const t of l.x.ticks) tick(snap(xToPixel(l, t)), bottom, 0, TICK);
  for (const t of l.x.minorTicks) tick(snap(xToPixel(l, t)), bottom, 0, TICK / 2);
  for (const t of l.y.ticks) tick(left, snap(yToPixel(l, t)), -TICK, 0);
  for (const t of l.y.minorTicks) tick(left, snap(yToPixel(l, t)), -TICK / 2, 0);
  ctx.stroke();
  l.x.ticks.forEach((t, i) => text(ctx, l.colors.ink, l.x.tickLabels[i], xToPixel(l, t), bottom + TICK + 3, f, 'center', 'top'));
  l.y.ticks.forEach((t, i) => text(ctx, l.colors.ink, l.y.tickLabels[i], left - TICK - 4, yToPixel(l, t), f, 'right', 'middle'));
  const lf = font(l.fontFamily, FONT_SIZE.label);
  if (l.x.label) text(ctx, l.colors.ink, l.x.label, left + width / 2, (l.caption ? l.caption.top - 4 : l.height) - PAD, lf, 'center', 'bottom');
  if (l.y.label) text(ctx, l.colors.ink, l.y.label, PAD, top + height / 2, lf, 'center', 'top', -Math.PI / 2);
}

/** The colour bar right of a heatmap: the viridis ramp, framed, with z ticks and label. */
export function drawColorbar(ctx: DrawContext, l: FigureLayout, cb: NonNullable<FigureLayout['colorbar']>, snap: (v: number) => number): void {
  const { rect: r, z } = cb,
    steps = Math.max(2, Math.round(r.height));
  for (let i = 0; i < steps; i++) {
    ctx.fillStyle = viridis((i + 0.5) / steps);
    const y0 = r.top + r.height * (1 - (i + 1) / steps);
    ctx.fillRect(r.left, y0, r.width, r.height / steps + 0.5);
  }
  const at = (v: number) => r.top + r.height * (1 - (v - z.min) / (z.max - z.min));
  const x1 = r.left + r.width;
  ctx.strokeStyle = l.colors.frame;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.rect(snap(r.left), snap(r.top), snap(x1) - snap(r.left), snap(r.top + r.height) - snap(r.top));
  for (const t of z.ticks) {
    ctx.moveTo(x1, snap(at(t)));
    ctx.lineTo(x1 + TICK, snap(at(t)));
  }
  ctx.stroke();
  const f = font(l.fontFamily, FONT_SIZE.tick);
  z.ticks.forEach((t, i) => text(ctx, l.colors.ink, z.tickLabels[i], x1 + TICK + 4, at(t), f, 'left', 'middle'));
  if (z.label)
    text(ctx, l.colors.ink, z.label, l.width - PAD, r.top + r.height / 2, font(l.fontFamily, FONT_SIZE.label), 'center', 'bottom', -Math.PI / 2);
}

/** The legend items (line samples or markers and labels), framed when the layout gave a box. */
export function drawLegend(ctx: DrawContext, l: FigureLayout): void {
  const { box, items } = l.legend!;
  if (box) {
    ctx.fillStyle = l.colors.legendFill;
    ctx.fillRect(box.left, box.top, box.width, box.height);
    ctx.strokeStyle = l.colors.legendFrame;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.rect(box.left, box.top, box.width, box.height);
    ctx.stroke();
  }
  const f = font(l.fontFamily, FONT_SIZE.legend);
  for (const it of items) {
    // a sample close to the background (white on white, black on dark) gets an outline
    const faint = contrastRatio(it.color, l.colors.background) < 1.6;
    if (it.line) {
      if (faint) {
        ctx.strokeStyle = l.colors.outline;
        ctx.lineWidth = 4;
        ctx.beginPath();
        ctx.moveTo(it.x, it.y);
        ctx.lineTo(it.x + SAMPLE, it.y);
        ctx.stroke();
      }
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
      if (faint) {
        ctx.fillStyle = l.colors.outline;
        ctx.beginPath();
        ctx.arc(it.x + SAMPLE / 2, it.y, 4.5, 0, 2 * Math.PI);
        ctx.fill();
      }
      ctx.fillStyle = it.color;
      ctx.beginPath();
      ctx.arc(it.x + SAMPLE / 2, it.y, 3, 0, 2 * Math.PI);
      ctx.fill();
    }
    text(ctx, l.colors.ink, it.label, it.x + SAMPLE + 6, it.y, f, 'left', 'middle');
  }
}

/** Bold, centred over the plot (over the canvas if wider), on the lines the layout set. */
export function drawTitle(ctx: DrawContext, l: FigureLayout): void {
  const t = l.title;
  if (!t) return;
  const f = font(l.fontFamily, t.size, true),
    centre = l.plot.left + l.plot.width / 2;
  ctx.font = f;
  t.lines.forEach((line, i) => {
    const w = richWidth(ctx, line);
    const x = Math.min(Math.max(centre, PAD + w / 2), l.width - PAD - w / 2);
    text(ctx, l.colors.ink, line, x, t.top + i * t.size * 1.3, f, 'center', 'top');
  });
}

/** The caption under the figure, left-aligned, on the lines the layout set. */
export function drawCaption(ctx: DrawContext, l: FigureLayout): void {
  const c = l.caption;
  if (!c) return;
  const f = font(l.fontFamily, c.size);
  c.lines.forEach((line, i) => text(ctx, l.colors.ink, line, PAD, c.top + i * c.size * 1.3, f, 'left', 'top'));
}

// Figures in a browser page: heatmaps drawn by draw.ts on a <canvas> (hover or arrow keys
// read out a cell) and line figures with uPlot. Shared by the HTML report (viewer.ts) and the
// web page (web/src). Browser-only (DOM), no Node-only imports; uPlot is passed in, so the
// report can load it as a global and the page as a module.

import type UPlot from 'uplot';
import type { HeatmapFigure, LineFigure, Series } from '../experiments/types.js';
import { subscriptRuns } from './display.js';
import {
  axisTicks,
  drawFigure,
  fillRich,
  FONT_FAMILY,
  FONT_SIZE,
  heatmapCellAt,
  lineDomains,
  xToPixel,
  yToPixel,
  type FigureLayout,
  type HeatmapCell,
} from './draw.js';
import { seriesColor, THEME_COLORS, vlineColor, type Theme } from './colors.js';
import { formatNumberText } from './format.js';

export const LINE_HEIGHT = 340;

export function heatmapHeight(width: number): number {
  return Math.round(Math.min(560, Math.max(300, width * 0.68)));
}

/** A mounted figure: drawn (again) at the container's width. */
export interface Chart {
  draw(width: number): void;
  destroy?(): void;
}

export interface HeatmapChart extends Chart {
  readonly canvas: HTMLCanvasElement;
  /** the layout of the last draw (plot rectangle, axes), for hit tests */
  layout(): FigureLayout | undefined;
  /** Replaces the figure (same axes or not) and redraws at the last width: live updates. */
  update(fig: HeatmapFigure): void;
}

export interface HeatmapOptions {
  /** the readout line for a cell; default `x = .., y = .., z = ..` */
  describe?: (cell: HeatmapCell, fig: HeatmapFigure) => string;
  height?: (width: number) => number;
  /** the figure's non-data colours: 'light' (default) or 'dark' */
  theme?: Theme;
}

export function describeCell(cell: HeatmapCell, fig: HeatmapFigure): string {
  return (
    `${fig.x.label} = ${formatNumberText(cell.x, 5)},  ${fig.y.label} = ${formatNumberText(cell.y, 5)},  ` +
    `${fig.zLabel} = ${cell.z == null || !Number.isFinite(cell.z) ? 'no data' : formatNumberText(cell.z, 5)}`
  );
}

/**
 * A heatmap on a canvas; hover reads out the cell under the pointer. The canvas is
 * focusable: arrow keys move a selected cell (Home/End: first/last column), Escape clears.
 */
export function mountHeatmap(host: HTMLElement, readout: HTMLElement, first: HeatmapFigure, options: HeatmapOptions = {}): HeatmapChart {
  let fig = first;
  const canvas = document.createElement('canvas');
  canvas.className = 'heatmap';
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'img');
  const mark = document.createElement('div');
  mark.className = 'cell-mark';
  host.replaceChildren(canvas, mark);
  const describe = options.describe ?? describeCell;
  let layout: FigureLayout | undefined;
  let lastWidth = 0;
  let selected: { ix: number; iy: number } | null = null;

  const label = () =>
    canvas.setAttribute('aria-label', `${fig.title}: heatmap of ${fig.zLabel} over ${fig.x.label} and ${fig.y.label}; arrow keys read out cells`);
  const show = (cell: HeatmapCell | null) => {
    if (!cell) {
      mark.style.display = 'none';
      readout.textContent = '';
      return;
    }
    Object.assign(mark.style, {
      display: 'block',
      left: `${cell.rect.left}px`,
      top: `${cell.rect.top}px`,
      width: `${cell.rect.width}px`,
      height: `${cell.rect.height}px`,
    });
    readout.textContent = describe(cell, fig);
  };
  const cellAtIndex = (ix: number, iy: number): HeatmapCell | null => {
    if (!layout) return null;
    return heatmapCellAt(fig, layout, xToPixel(layout, fig.x.values[ix]), yToPixel(layout, fig.y.values[iy]));
  };
  const draw = (width: number) => {
    lastWidth = width;
    const height = (options.height ?? heatmapHeight)(width),
      dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    layout = drawFigure(canvas.getContext('2d')!, fig, { width, height, dpr, theme: options.theme ?? 'light' });
    const p = layout.plot;
    canvas.dataset.plot = [p.left, p.top, p.width, p.height].map((v) => v.toFixed(1)).join(',');
    // for tests: where the legend went and how the title was set
    canvas.dataset.legend = layout.legend ? (layout.legend.box ? 'box' : 'rows') : 'none';
    canvas.dataset.titleLines = String(layout.title?.lines.length ?? 0);
    label();
    if (selected) show(cellAtIndex(selected.ix, selected.iy));
  };
  canvas.addEventListener('mousemove', (ev) => {
    const r = canvas.getBoundingClientRect();
    const cell = layout ? heatmapCellAt(fig, layout, ev.clientX - r.left, ev.clientY - r.top) : null;
    selected = cell && { ix: cell.ix, iy: cell.iy };
    show(cell);
  });
  canvas.addEventListener('mouseleave', () => {
    selected = null;
    show(null);
  });
  canvas.addEventListener('keydown', (ev) => {
    const nx = fig.x.values.length,
      ny = fig.y.values.length;
    if (!nx || !ny) return;
    const s = selected ?? { ix: Math.floor(nx / 2), iy: Math.floor(ny / 2) };
    const moves: Record<string, () => void> = {
      ArrowLeft: () => {
        s.ix = Math.max(0, s.ix - 1);
      },
      ArrowRight: () => {
        s.ix = Math.min(nx - 1, s.ix + 1);
      },
      ArrowDown: () => {
        s.iy = Math.max(0, s.iy - 1);
      },
      ArrowUp: () => {
        s.iy = Math.min(ny - 1, s.iy + 1);
      },
      Home: () => {
        s.ix = 0;
      },
      End: () => {
        s.ix = nx - 1;
      },
    };
    if (ev.key === 'Escape') {
      selected = null;
      show(null);
      return;
    }
    const move = moves[ev.key];
    if (!move) return;
    ev.preventDefault();
    if (selected) move();
    selected = s;
    show(cellAtIndex(s.ix, s.iy));
  });
  canvas.addEventListener('blur', () => {
    if (selected) {
      selected = null;
      show(null);
    }
  });
  return {
    canvas,
    draw,
    layout: () => layout,
    update(next) {
      fig = next;
      if (lastWidth > 0) draw(lastWidth);
    },
  };
}

/**
 * uPlot wants one shared x column: the union of the series' x values; a series is
 * `undefined` where it has no point (uPlot joins over those) and null at its own gaps.
 */
function alignedData(fig: LineFigure): { xs: number[]; column: (s: Series, ys: (number | null)[]) => (number | null | undefined)[] } {
  const ok = (v: number | null | undefined, log?: boolean): v is number => v != null && Number.isFinite(v) && (!log || v > 0);
  const xs = [...new Set(fig.series.flatMap((s) => s.x.filter((x) => ok(x, fig.x.log))))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const column = (s: Series, ys: (number | null)[]) => {
    const col: (number | null | undefined)[] = new Array(xs.length).fill(undefined);
    s.x.forEach((x, j) => {
      const k = index.get(x);
      if (k !== undefined) col[k] = ok(ys[j], fig.y.log) ? ys[j] : null;
    });
    return col;
  };
  return { xs, column };
}

function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1], 16);
  return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/** An element's text with display text's subscripts (T_c) in <sub>, as the report's HTML sets them. */
function setRichText(el: HTMLElement, text: string): void {
  const runs = subscriptRuns(text);
  if (runs.length === 1 && !runs[0].sub) return;
  el.replaceChildren(
    ...runs.map((r) => {
      if (!r.sub) return document.createTextNode(r.text);
      const sub = document.createElement('sub');
      sub.textContent = r.text;
      return sub;
    }),
  );
}

/**
 * uPlot's axis label with subscripts set: plain text as it is; a label with a subscript as a
 * function that has uPlot's next fillText (of this label, right after the call, at the point
 * uPlot picked, in its font and alignment) set by fillRich instead.
 */
function richAxisLabel(label: string): UPlot.Axis.Label {
  if (subscriptRuns(label).length === 1) return label;
  return (u) => {
    const ctx = u.ctx;
    Object.defineProperty(ctx, 'fillText', {
      configurable: true,
      value: (_text: string, x: number, y: number) => {
        Reflect.deleteProperty(ctx, 'fillText');
        fillRich(ctx, label, x, y);
      },
    });
    return label;
  };
}

/** A line figure with uPlot: bands from hidden upper/lower series, vlines from a draw hook. */
export function mountLines(host: HTMLElement, fig: LineFigure, uPlot: typeof UPlot, theme: Theme = 'light'): Chart {
  const colors = THEME_COLORS[theme];
  const { xs, column } = alignedData(fig);
  const domain = lineDomains(fig);
  const value = (_u: UPlot, v: number | null) => (v == null ? '—' : formatNumberText(v, 5));
  const series: UPlot.Series[] = [{ label: fig.x.label, value }];
  const data: (number | null | undefined)[][] = [xs];
  const bands: UPlot.Band[] = [],
    hidden: number[] = [];
  fig.series.forEach((s, i) => {
    const color = seriesColor(s, i, theme);
    if (s.lower && s.upper) {
      for (const [edge, ys] of [
        ['upper', s.upper],
        ['lower', s.lower],
      ] as const) {
        hidden.push(series.length);
        series.push({ label: `${s.label} (${edge})`, stroke: 'transparent', width: 0, points: { show: false }, value });
        data.push(column(s, ys));
      }
      bands.push({ series: [series.length - 2, series.length - 1], fill: withAlpha(color, 0.18) });
    }
    const style: UPlot.Series =
      s.style === 'points'
        ? { paths: () => null, points: { show: true, size: 6, fill: color, stroke: color, width: 0 } }
        : { width: 1.75, ...(s.style === 'dashed' && { dash: [6, 4] }), points: { show: false } };
    series.push({ label: s.label, stroke: color, value, ...style });
    data.push(column(s, s.y));
  });

  const ink = colors.ink,
    font = `${FONT_SIZE.tick}px ${FONT_FAMILY}`,
    labelFont = `${FONT_SIZE.label}px ${FONT_FAMILY}`;
  // The same ticks and labels as the PNG (draw.ts), spaced for the plot's current size.
  const axis = (label: string, log: boolean | undefined, spacing: number, side: 'width' | 'height'): UPlot.Axis => {
    let labels: string[] = [];
    return {
      label: richAxisLabel(label),
      stroke: ink,
      font,
      labelFont,
      labelSize: 20,
      labelGap: 2,
      // x: tick + label row; y: the widest label (about 7.5 px per character at 12 px)
      size: side === 'width' ? 28 : (_u, values) => 14 + 7.5 * Math.max(1, ...(values ?? []).map((v) => v.length)),
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.frame, width: 1, size: 5 },
      splits: (u, _i, min, max) => {
        const t = axisTicks(min, max, !!log, Math.max(2, Math.round(u.bbox[side] / uPlot.pxRatio / spacing)));
        labels = t.labels;
        return t.ticks;
      },
      // labels that would overlap their neighbour stay blank (a log axis's linear fallback
      // can crowd its short end)
      values: (u, splits) => {
        let last = -Infinity;
        return splits.map((v, i) => {
          const text = labels[i] ?? '';
          const at = u.valToPos(v, side === 'width' ? 'x' : 'y');
          const half = side === 'width' ? (text.length * 0.6 * FONT_SIZE.tick) / 2 : FONT_SIZE.tick * 0.7;
          const from = side === 'width' ? at - half : -at - half;
          if (from < last + 6) return '';
          last = from + 2 * half;
          return text;
        });
      },
    };
  };
  // x: the shared domain until the user zooms (uPlot skips range() for explicit zoom);
  // y: always the figure's domain, so the plot matches its PNG.
  const scale = (log: boolean | undefined, d: [number, number]): UPlot.Scale => ({
    time: false,
    distr: log ? 3 : 1,
    log: 10,
    range: () => [d[0], d[1]],
  });

  const drawVlines = (u: UPlot) => {
    const { ctx } = u,
      { left, top, width, height } = u.bbox,
      pr = uPlot.pxRatio;
    for (const v of fig.vlines ?? []) {
      const x = Math.round(u.valToPos(v.x, 'x', true)) + 0.5;
      if (!Number.isFinite(x) || x < left || x > left + width) continue;
      ctx.save();
      ctx.strokeStyle = ctx.fillStyle = vlineColor(v, theme);
      ctx.lineWidth = 1.25 * pr;
      ctx.setLineDash([5 * pr, 4 * pr]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      ctx.translate(x + 3 * pr, top + 6 * pr);
      ctx.rotate(-Math.PI / 2);
      ctx.font = `${FONT_SIZE.legend * pr}px ${FONT_FAMILY}`;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'top';
      fillRich(ctx, v.label, 0, 0);
      ctx.restore();
    }
  };

  let plot: UPlot | undefined;
  return {
    draw(width: number) {
      if (plot) {
        plot.setSize({ width, height: LINE_HEIGHT });
        return;
      }
      host.replaceChildren();
      plot = new uPlot(
        {
          title: fig.title,
          width,
          height: LINE_HEIGHT,
          series,
          bands,
          scales: { x: scale(fig.x.log, domain.x), y: scale(fig.y.log, domain.y) },
          axes: [axis(fig.x.label, fig.x.log, fig.x.log ? 60 : 90, 'width'), axis(fig.y.label, fig.y.log, 45, 'height')],
          legend: { live: true },
          cursor: { drag: { x: true, y: false } },
          hooks: { draw: [drawVlines] },
        },
        data as UPlot.AlignedData,
        host,
      );
      // the title and legend entries with their subscripts set (uPlot writes plain text)
      const title = plot.root.querySelector<HTMLElement>('.u-title');
      if (title) setRichText(title, fig.title);
      // band edges are plumbing, not entries; nor are unlabelled series (a fit's fine curve)
      const rows = plot.root.querySelectorAll<HTMLElement>('.u-legend .u-series');
      series.forEach((s, i) => {
        const label = rows[i]?.querySelector<HTMLElement>('.u-label');
        if (label && typeof s.label === 'string') setRichText(label, s.label);
      });
      for (const i of hidden) if (rows[i]) rows[i].style.display = 'none';
      series.forEach((s, i) => {
        if (i > 0 && !s.label && rows[i]) rows[i].style.display = 'none';
      });
    },
    destroy() {
      plot?.destroy();
      plot = undefined;
    },
  };
}

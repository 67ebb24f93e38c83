// The report's script in the browser (bundled into an IIFE by scripts/generate.mjs): reads
// the figures embedded by html.ts, draws heatmaps with draw.ts on a <canvas> (hover shows
// the cell) and line figures with uPlot (loaded as the global `uPlot` before this script).
// When done: body[data-rendered="true"], data-figures = figures drawn, data-failed = errors.

import type UPlot from 'uplot';
import type { HeatmapFigure, LineFigure, Series } from '../experiments/types.js';
import { axisTicks, drawFigure, FONT_FAMILY, FONT_SIZE, heatmapCellAt, lineDomains, seriesColor, type FigureLayout } from './draw.js';
import { formatNumber } from './format.js';
import { REPORT_DATA_ID, type ViewerData } from './html.js';

declare const uPlot: typeof UPlot;

const LINE_HEIGHT = 340;

function heatmapHeight(width: number): number {
  return Math.round(Math.min(560, Math.max(300, width * 0.68)));
}

/** A heatmap on a canvas, redrawn at the container's width; hover reads out the cell. */
function mountHeatmap(host: HTMLElement, readout: HTMLElement, fig: HeatmapFigure): (width: number) => void {
  const canvas = document.createElement('canvas');
  canvas.className = 'heatmap';
  const mark = document.createElement('div');
  mark.className = 'cell-mark';
  host.replaceChildren(canvas, mark);
  let layout: FigureLayout | undefined;

  const draw = (width: number) => {
    const height = heatmapHeight(width), dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    layout = drawFigure(canvas.getContext('2d')!, fig, { width, height, dpr });
  };
  canvas.addEventListener('mousemove', (ev) => {
    const r = canvas.getBoundingClientRect();
    const cell = layout && heatmapCellAt(fig, layout, ev.clientX - r.left, ev.clientY - r.top);
    if (!cell) { mark.style.display = 'none'; readout.textContent = ''; return; }
    Object.assign(mark.style, { display: 'block', left: `${cell.rect.left}px`, top: `${cell.rect.top}px`, width: `${cell.rect.width}px`, height: `${cell.rect.height}px` });
    readout.textContent = `${fig.x.label} = ${formatNumber(cell.x, 5)},  ${fig.y.label} = ${formatNumber(cell.y, 5)},  ${fig.zLabel} = ${cell.z == null ? 'no data' : formatNumber(cell.z, 5)}`;
  });
  canvas.addEventListener('mouseleave', () => { mark.style.display = 'none'; readout.textContent = ''; });
  return draw;
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

/** A line figure with uPlot: bands from hidden upper/lower series, vlines from a draw hook. */
function mountLines(host: HTMLElement, fig: LineFigure): (width: number) => void {
  const { xs, column } = alignedData(fig);
  const domain = lineDomains(fig);
  const value = (_u: UPlot, v: number | null) => (v == null ? '—' : formatNumber(v, 5));
  const series: UPlot.Series[] = [{ label: fig.x.label, value }];
  const data: (number | null | undefined)[][] = [xs];
  const bands: UPlot.Band[] = [], hidden: number[] = [];
  fig.series.forEach((s, i) => {
    const color = seriesColor(s, i);
    if (s.lower && s.upper) {
      for (const [edge, ys] of [['upper', s.upper], ['lower', s.lower]] as const) {
        hidden.push(series.length);
        series.push({ label: `${s.label} (${edge})`, stroke: 'transparent', width: 0, points: { show: false }, value });
        data.push(column(s, ys));
      }
      bands.push({ series: [series.length - 2, series.length - 1], fill: withAlpha(color, 0.18) });
    }
    const style: UPlot.Series = s.style === 'points'
      ? { paths: () => null, points: { show: true, size: 6, fill: color, stroke: color, width: 0 } }
      : { width: 1.75, dash: s.style === 'dashed' ? [6, 4] : undefined, points: { show: false } };
    series.push({ label: s.label, stroke: color, value, ...style });
    data.push(column(s, s.y));
  });

  const ink = '#222', font = `${FONT_SIZE.tick}px ${FONT_FAMILY}`, labelFont = `${FONT_SIZE.label}px ${FONT_FAMILY}`;
  // The same ticks and labels as the PNG (draw.ts), spaced for the plot's current size.
  const axis = (label: string, log: boolean | undefined, spacing: number, side: 'width' | 'height'): UPlot.Axis => {
    let labels: string[] = [];
    return {
      label, stroke: ink, font, labelFont, labelSize: 20, labelGap: 2,
      // x: tick + label row; y: the widest label (about 7.5 px per character at 12 px)
      size: side === 'width' ? 28 : (_u, values) => 14 + 7.5 * Math.max(1, ...(values ?? []).map((v) => v.length)),
      grid: { stroke: '#ececec', width: 1 },
      ticks: { stroke: '#444', width: 1, size: 5 },
      splits: (u, _i, min, max) => {
        const t = axisTicks(min, max, !!log, Math.max(2, Math.round(u.bbox[side] / uPlot.pxRatio / spacing)));
        labels = t.labels;
        return t.ticks;
      },
      values: (_u, splits) => splits.map((_v, i) => labels[i] ?? ''),
    };
  };
  // x: the shared domain until the user zooms (uPlot skips range() for explicit zoom);
  // y: always the figure's domain, so the plot matches its PNG.
  const scale = (log: boolean | undefined, d: [number, number]): UPlot.Scale => ({ time: false, distr: log ? 3 : 1, log: 10, range: () => [d[0], d[1]] });

  const drawVlines = (u: UPlot) => {
    const { ctx } = u, { left, top, width, height } = u.bbox, pr = uPlot.pxRatio;
    for (const v of fig.vlines ?? []) {
      const x = Math.round(u.valToPos(v.x, 'x', true)) + 0.5;
      if (!Number.isFinite(x) || x < left || x > left + width) continue;
      ctx.save();
      ctx.strokeStyle = ctx.fillStyle = v.color ?? '#555';
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
      ctx.fillText(v.label, 0, 0);
      ctx.restore();
    }
  };

  let plot: UPlot | undefined;
  return (width: number) => {
    if (plot) { plot.setSize({ width, height: LINE_HEIGHT }); return; }
    host.replaceChildren();
    plot = new uPlot({
      title: fig.title, width, height: LINE_HEIGHT, series, bands,
      scales: { x: scale(fig.x.log, domain.x), y: scale(fig.y.log, domain.y) },
      axes: [axis(fig.x.label, fig.x.log, fig.x.log ? 60 : 90, 'width'), axis(fig.y.label, fig.y.log, 45, 'height')],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      hooks: { draw: [drawVlines] },
    }, data as UPlot.AlignedData, host);
    // band edges are plumbing, not entries
    const rows = plot.root.querySelectorAll<HTMLElement>('.u-legend .u-series');
    for (const i of hidden) if (rows[i]) rows[i].style.display = 'none';
  };
}

function main(): void {
  const data = JSON.parse(document.getElementById(REPORT_DATA_ID)?.textContent ?? '{"experiments":[]}') as ViewerData;
  let drawn = 0, failed = 0;
  const redraws: { host: HTMLElement; draw: (width: number) => void; width: number }[] = [];
  document.querySelectorAll<HTMLElement>('[data-experiment-id]').forEach((section) => {
    const figures = data.experiments.find((e) => e.id === section.dataset.experimentId)?.figures ?? [];
    section.querySelectorAll<HTMLElement>('[data-figure-index]').forEach((el) => {
      const host = el.querySelector<HTMLElement>('.fig-plot')!, readout = el.querySelector<HTMLElement>('.readout')!;
      try {
        const fig = figures[Number(el.dataset.figureIndex)];
        if (!fig) throw new Error(`figure ${el.dataset.figureId} is missing from the embedded data`);
        const draw = fig.kind === 'heatmap' ? mountHeatmap(host, readout, fig) : mountLines(host, fig);
        const width = Math.floor(host.clientWidth) || 600;
        draw(width);
        redraws.push({ host, draw, width });
        drawn++;
      } catch (err) {
        failed++;
        console.error(`report: could not draw figure ${el.dataset.figureId}:`, err);
        host.innerHTML = '';
        const p = document.createElement('p');
        p.className = 'failed';
        p.textContent = `Could not draw this figure: ${err instanceof Error ? err.message : String(err)}`;
        host.append(p);
      }
    });
  });
  let pending = 0;
  window.addEventListener('resize', () => {
    clearTimeout(pending);
    pending = window.setTimeout(() => {
      for (const r of redraws) {
        const width = Math.floor(r.host.clientWidth);
        if (width > 0 && width !== r.width) { r.width = width; r.draw(width); }
      }
    }, 150);
  });
  Object.assign(document.body.dataset, { figures: String(drawn), failed: String(failed), rendered: 'true' });
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
  else main();
}

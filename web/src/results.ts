// What the page shows of a run: figures (heatmaps on canvas, line figures with uPlot, both
// through src/report/charts.ts as in the HTML report), the estimates table (the report's),
// and downloads of what is shown: PNG (drawn by draw.ts, as the CLI's PNGs), CSV and JSON.

import uPlot from 'uplot';
import type { Figure, HeatmapFigure, ExperimentResult, ScanSpec } from '../../src/experiments/types.js';
import { gridCount } from '../../src/experiments/spec-grid.js';
import { PARAM_NAMES } from '../../src/experiments/types.js';
import { describeCell, mountHeatmap, mountLines, type Chart, type HeatmapChart } from '../../src/report/charts.js';
import { drawFigure, type HeatmapCell } from '../../src/report/draw.js';
import { estimatesTable } from '../../src/report/html.js';
import { formatDuration, formatNumber, formatSI } from '../../src/report/format.js';
import { figureTable, tableToCsv, toJson } from '../../src/report/tables.js';

export function download(name: string, data: Blob | string, type = 'text/plain'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The figure as a PNG, drawn by draw.ts at the CLI's size and twice the resolution. */
export function figurePng(fig: Figure): Promise<Blob> {
  const width = 900,
    height = fig.kind === 'heatmap' ? 640 : 520,
    dpr = 2;
  const canvas = document.createElement('canvas');
  canvas.width = width * dpr;
  canvas.height = height * dpr;
  drawFigure(canvas.getContext('2d')!, fig, { width, height, dpr });
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))), 'image/png'),
  );
}

/** Hover readout: the cell's axes and value, then the parameters held fixed. */
export function cellDescriber(spec: ScanSpec | undefined) {
  return (cell: HeatmapCell, fig: HeatmapFigure) => {
    const base = describeCell(cell, fig);
    if (!spec) return base;
    const fixed = PARAM_NAMES.filter((p) => spec.params[p] !== undefined && !spec.axes.some((a) => a.param === p)).map(
      (p) => `${p} = ${formatNumber(spec.params[p]!, 5)}`,
    );
    return `${base};  ${fixed.join(', ')}; ${spec.replicates} replicates, ${spec.steps} steps`;
  };
}

/** Redraws charts when their container's width changes. */
class Resizer {
  private readonly observer: ResizeObserver;
  private readonly charts = new Map<Element, { chart: Chart; width: number }>();

  constructor() {
    this.observer = new ResizeObserver((entries) => {
      for (const e of entries) {
        const c = this.charts.get(e.target);
        const width = Math.floor(e.contentRect.width);
        if (c && width > 0 && width !== c.width) {
          c.width = width;
          c.chart.draw(width);
        }
      }
    });
  }

  add(host: HTMLElement, chart: Chart): void {
    const width = Math.floor(host.clientWidth) || 600;
    chart.draw(width);
    this.charts.set(host, { chart, width });
    this.observer.observe(host);
  }

  remove(host: HTMLElement): void {
    const c = this.charts.get(host);
    c?.chart.destroy?.();
    this.charts.delete(host);
    this.observer.unobserve(host);
  }

  clear(): void {
    for (const host of [...this.charts.keys()]) this.remove(host as HTMLElement);
  }
}

const resizer = new Resizer();

function button(text: string, onClick: () => void, label?: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'secondary small';
  b.textContent = text;
  if (label) b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}

/** Mounts a figure in a host (heatmap or uPlot lines); heatmaps can be updated in place. */
export function mountFigure(host: HTMLElement, readout: HTMLElement, fig: Figure, spec?: ScanSpec): Chart {
  const chart = fig.kind === 'heatmap' ? mountHeatmap(host, readout, fig, { describe: cellDescriber(spec) }) : mountLines(host, fig, uPlot);
  resizer.add(host, chart);
  return chart;
}

/** The live figure of a running scan, redrawn as chunks finish. */
export class LiveView {
  private chart: Chart | null = null;
  private kind: Figure['kind'] | null = null;

  constructor(
    private readonly box: HTMLElement,
    private readonly host: HTMLElement,
    private readonly readout: HTMLElement,
  ) {}

  show(fig: Figure, spec: ScanSpec): void {
    this.box.hidden = false;
    if (this.chart && this.kind === 'heatmap' && fig.kind === 'heatmap') {
      (this.chart as HeatmapChart).update(fig);
      return;
    }
    this.clear();
    this.box.hidden = false;
    this.kind = fig.kind;
    this.chart = mountFigure(this.host, this.readout, fig, spec);
  }

  clear(): void {
    if (this.chart) resizer.remove(this.host);
    this.chart = null;
    this.kind = null;
    this.host.replaceChildren();
    this.readout.textContent = '';
    this.box.hidden = true;
  }
}

export interface ResultViews {
  figures: HTMLElement;
  estimates: HTMLElement;
  exportsBox: HTMLElement;
  exportButtons: HTMLElement;
  meta: HTMLElement;
}

export function clearResult(v: ResultViews): void {
  resizer.clear();
  v.figures.replaceChildren();
  v.estimates.replaceChildren();
  v.exportButtons.replaceChildren();
  v.exportsBox.hidden = true;
}

/** Figures, estimates and downloads of a finished experiment. */
export function showResult(v: ResultViews, result: ExperimentResult, engineNote: string): void {
  clearResult(v);
  const steps = result.provenance.reduce((s, p) => s + p.routerSteps, 0);
  const ms = result.provenance.reduce((s, p) => s + p.elapsedMs, 0);
  v.meta.textContent =
    `${result.title} · scale ${result.scale} · ${formatSI(steps)} router-steps in ${formatDuration(ms)} ` +
    `(${formatSI(ms > 0 ? (steps * 1000) / ms : 0)} router-steps/s) · seeds ${[...new Set(result.specs.map((s) => s.seed))].join(', ')} · ${engineNote}`;
  // The scan a heatmap shows: the only two-expert scan whose two axes have the heatmap's shape
  // (an experiment may run other scans beside its map, e.g. fig8's variance rows).
  const scans = result.specs.filter((s): s is ScanSpec => !('model' in s));
  const specOf = (fig: Figure): ScanSpec | undefined => {
    if (fig.kind !== 'heatmap') return undefined;
    const fits = scans.filter(
      (s) => s.axes.length === 2 && gridCount(s.axes[0].values) === fig.x.values.length && gridCount(s.axes[1].values) === fig.y.values.length,
    );
    return fits.length === 1 ? fits[0] : undefined;
  };
  result.figures.forEach((fig) => {
    const card = document.createElement('figure');
    card.className = `fig fig-${fig.kind}`;
    card.dataset.figureId = fig.id;
    const host = document.createElement('div');
    host.className = 'fig-plot';
    const caption = document.createElement('figcaption');
    const readout = document.createElement('div');
    readout.className = 'readout';
    readout.setAttribute('aria-live', 'polite');
    const actions = document.createElement('div');
    actions.className = 'fig-actions';
    actions.append(
      button(
        'PNG',
        () => {
          void figurePng(fig).then((b) => download(`${fig.id}.png`, b));
        },
        `Download ${fig.title || fig.id} as PNG`,
      ),
      button('CSV', () => download(`${fig.id}.csv`, tableToCsv(figureTable(fig)), 'text/csv'), `Download the data of ${fig.title || fig.id} as CSV`),
      button('JSON', () => download(`${fig.id}.json`, toJson(fig), 'application/json'), `Download ${fig.title || fig.id} as JSON`),
    );
    caption.append(readout, actions);
    card.append(host, caption);
    v.figures.append(card);
    try {
      mountFigure(host, readout, fig, specOf(fig));
    } catch (err) {
      host.textContent = `Could not draw this figure: ${(err as Error).message}`;
    }
  });
  v.estimates.innerHTML = result.estimates.length ? `<h3>Estimates vs predictions</h3>${estimatesTable(result.estimates)}` : '';
  v.exportButtons.replaceChildren(
    button(
      'result.json',
      () => download(`${result.id}-result.json`, toJson(result), 'application/json'),
      "Download the whole result as JSON (the CLI's result.json)",
    ),
    ...result.tables.map((t) =>
      button(`${t.name}.csv`, () => download(`${t.name}.csv`, tableToCsv(t), 'text/csv'), `Download table ${t.name} as CSV`),
    ),
  );
  v.exportsBox.hidden = false;
}

// What the page shows of a run: figures (heatmaps on canvas, line figures with uPlot, both
// through src/report/charts.ts as in the HTML report), the estimates table (the report's),
// and downloads of what is shown: PNG (drawn by draw.ts, as the CLI's PNGs, with a caption
// and text metadata: parameters, seed, specs), CSV and JSON, named by experiment, scale and
// seed (src/report/exports.ts). Labels are shown in display text (src/report/display.ts);
// figures follow the page's colour scheme (light or dark) and redraw when it changes.

import uPlot from 'uplot';
import { stepsNoun } from '../../src/core/scan.js';
import { PARAM_SYMBOLS, titleNumber } from '../../src/experiments/spec-describe.js';
import type { Figure, HeatmapFigure, ExperimentResult, ScanSpec } from '../../src/experiments/types.js';
import { PARAM_NAMES } from '../../src/experiments/types.js';
import { describeCell, mountHeatmap, mountLines, type Chart, type HeatmapChart } from '../../src/report/charts.js';
import type { Theme } from '../../src/report/colors.js';
import { displayEstimate, displayFigure, displayHtml, displayText } from '../../src/report/display.js';
import { drawFigure, type HeatmapCell } from '../../src/report/draw.js';
import { exportName, figureCaption, figurePngText, figureSpec } from '../../src/report/exports.js';
import { estimatesTable } from '../../src/report/html.js';
import { formatDuration, formatSI } from '../../src/report/format.js';
import { withPngText } from '../../src/report/png-text.js';
import { figureTable, tableToCsv, toJson } from '../../src/report/tables.js';

const darkScheme = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;

/** The page's colour scheme, which on-screen figures follow (exported PNGs are always light). */
export function pageTheme(): Theme {
  return darkScheme?.matches ? 'dark' : 'light';
}

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

/**
 * A figure of a result as a PNG: drawn by draw.ts at the CLI's size and twice the resolution,
 * in display text, with a caption under it (what it is, parameters, scale, seed, version) and
 * the same plus the specs run as PNG text metadata.
 */
export async function figurePng(fig: Figure, result: ExperimentResult): Promise<Blob> {
  const width = 900,
    height = (fig.kind === 'heatmap' ? 640 : 520) + 44,
    dpr = 2;
  const canvas = document.createElement('canvas');
  canvas.width = width * dpr;
  canvas.height = height * dpr;
  drawFigure(canvas.getContext('2d')!, displayFigure(fig), { width, height, dpr, caption: displayText(figureCaption(result, fig)) });
  const blob = await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))), 'image/png'),
  );
  const bytes = withPngText(new Uint8Array(await blob.arrayBuffer()), figurePngText(result, fig));
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' });
}

/** Hover readout: the cell's axes and value, then the parameters held fixed. */
export function cellDescriber(spec: ScanSpec | undefined) {
  return (cell: HeatmapCell, fig: HeatmapFigure) => {
    const base = describeCell(cell, fig);
    if (!spec) return base;
    const fixed = PARAM_NAMES.filter((p) => spec.params[p] !== undefined && !spec.axes.some((a) => a.param === p)).map(
      (p) => `${PARAM_SYMBOLS[p]} = ${titleNumber(spec.params[p]!)}`,
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

/** Mounts a figure in a host (heatmap or uPlot lines) in display text and the page's theme; heatmaps can be updated in place. */
export function mountFigure(host: HTMLElement, readout: HTMLElement, fig: Figure, spec?: ScanSpec): Chart {
  const shown = displayFigure(fig);
  const theme = pageTheme();
  const chart =
    shown.kind === 'heatmap' ? mountHeatmap(host, readout, shown, { describe: cellDescriber(spec), theme }) : mountLines(host, shown, uPlot, theme);
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

  show(fig: Figure, spec?: ScanSpec): void {
    this.box.hidden = false;
    if (this.chart && this.kind === 'heatmap' && fig.kind === 'heatmap') {
      (this.chart as HeatmapChart).update(displayFigure(fig) as HeatmapFigure);
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

let shown: { v: ResultViews; result: ExperimentResult; engineNote: string } | null = null;

// A change of colour scheme redraws the result on screen in the new theme.
darkScheme?.addEventListener('change', () => {
  if (shown?.v.figures.isConnected && shown.v.figures.childElementCount) showResult(shown.v, shown.result, shown.engineNote);
});

/** Figures, estimates and downloads of a finished experiment. */
export function showResult(v: ResultViews, result: ExperimentResult, engineNote: string): void {
  clearResult(v);
  shown = { v, result, engineNote };
  const steps = result.provenance.reduce((s, p) => s + p.routerSteps, 0);
  const ms = result.provenance.reduce((s, p) => s + p.elapsedMs, 0);
  const title = document.createElement('strong');
  title.className = 'result-title';
  title.innerHTML = displayHtml(result.title);
  const details =
    ` · scale ${result.scale} · ${formatSI(steps)} ${stepsNoun(result.provenance)} in ${formatDuration(ms)} ` +
    `(${formatSI(ms > 0 ? (steps * 1000) / ms : 0)} ${stepsNoun(result.provenance)}/s) · seeds ${[...new Set(result.specs.map((s) => s.seed))].join(', ')} · ${engineNote}`;
  v.meta.replaceChildren(title, details);
  if (result.description) {
    const d = document.createElement('span');
    d.className = 'result-description';
    d.innerHTML = displayHtml(result.description);
    v.meta.append(d);
  }
  result.figures.forEach((fig) => {
    const label = displayText(fig.title || fig.id);
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
          void figurePng(fig, result).then((b) => download(exportName(result, fig.id, 'png'), b));
        },
        `Download ${label} as PNG`,
      ),
      button(
        'CSV',
        () => download(exportName(result, fig.id, 'csv'), tableToCsv(figureTable(fig)), 'text/csv'),
        `Download the data of ${label} as CSV`,
      ),
      button('JSON', () => download(exportName(result, fig.id, 'json'), toJson(fig), 'application/json'), `Download ${label} as JSON`),
    );
    caption.append(readout, actions);
    card.append(host, caption);
    v.figures.append(card);
    try {
      mountFigure(host, readout, fig, fig.kind === 'heatmap' ? figureSpec(result, fig) : undefined);
    } catch (err) {
      host.textContent = `Could not draw this figure: ${(err as Error).message}`;
    }
  });
  v.estimates.innerHTML = result.estimates.length
    ? `<h3>Estimates vs predictions</h3><div class="estimates-wrap">${estimatesTable(result.estimates.map(displayEstimate))}</div>`
    : '';
  const resultFile = exportName(result, 'result', 'json');
  v.exportButtons.replaceChildren(
    button(resultFile, () => download(resultFile, toJson(result), 'application/json'), "Download the whole result as JSON (the CLI's result.json)"),
    ...result.tables.map((t) => {
      const file = exportName(result, t.name, 'csv');
      return button(file, () => download(file, tableToCsv(t), 'text/csv'), `Download table ${t.name} as CSV`);
    }),
  );
  v.exportsBox.hidden = false;
}

// The figures of a run in progress and of a stopped one, from the chunked run's partial
// outcomes (src/experiments/live.ts) and the generic analysis of a spec: a relax heatmap or
// curve with the finished cells (the others empty), a sweep's loop of the cell now running,
// leg by leg, point by point (the loops of its speeds finished before it as dots beside it), and
// a trace's series so far. After Stop, the finished cells as
// a partial result (figures, tables) that can be exported: result.json, CSV, PNG.

import type { ChunkedRun } from '../../src/experiments/chunked.js';
import { relaxTable } from '../../src/experiments/figures.js';
import { restrictOutcome } from '../../src/experiments/live.js';
import { analyzeSpec } from '../../src/experiments/spec-analysis.js';
import type { ExperimentResult, Figure, ScanOutcome, Table } from '../../src/experiments/types.js';
import { figureTable, tableToCsv, toJson } from '../../src/report/tables.js';
import { download, figurePng } from './results.js';

/** A line figure's NaN points as gaps (uPlot and the PNG then skip them). */
function gaps(fig: Figure): Figure {
  if (fig.kind !== 'lines') return fig;
  const clean = (ys: (number | null)[] | undefined) => ys?.map((v) => (v === null || Number.isFinite(v) ? v : null));
  return {
    ...fig,
    series: fig.series.map((s) => ({ ...s, y: clean(s.y)!, ...(s.lower && { lower: clean(s.lower)! }), ...(s.upper && { upper: clean(s.upper)! }) })),
  };
}

function figuresOf(o: ScanOutcome): Figure[] {
  try {
    return analyzeSpec(o).figures.map(gaps);
  } catch {
    return [];
  }
}

/**
 * A relax scan's figure over its finished cells [0, finished): a map over the whole grid
 * (cells not run are empty), or a curve over the finished values on the whole axis's range.
 */
function relaxFigure(outcome: ScanOutcome, finished: number): Figure | null {
  if (outcome.grid.axes.length !== 1) return figuresOf(outcome)[0] ?? null;
  if (finished === 0) return null;
  const fig = figuresOf(restrictOutcome(outcome, 0, finished))[0];
  const xs = outcome.grid.axes[0].values;
  if (fig?.kind !== 'lines' || xs.length < 2) return fig ?? null;
  return { ...fig, x: { ...fig.x, range: [Math.min(...xs), Math.max(...xs)] } };
}

/**
 * The live figure of scan `scan` now: relax with axes: its map or curve over the finished
 * cells; sweep and trace: the figure of the cell running (or the last finished one). null when
 * nothing can be drawn yet (no cell with data, or a relax scan without axes).
 */
export function liveFigure(run: ChunkedRun, scan: number): { figure: Figure; spec: ScanOutcome['spec'] } | null {
  const { outcome, finished, running } = run.partial(scan);
  if (finished === 0 && !running) return null;
  if (outcome.outcome.kind === 'relax') {
    if (outcome.grid.axes.length === 0) return null;
    const fig = relaxFigure(outcome, finished);
    return fig ? { figure: fig, spec: outcome.spec } : null;
  }
  const hasData = (c: number, s: number) =>
    outcome.outcome.kind === 'sweep'
      ? (outcome.outcome.speeds[s]?.cells[c]?.length ?? 0) > 0
      : outcome.outcome.kind === 'trace' && outcome.outcome.cells[0][c].steps.length > 0;
  const speeds = outcome.outcome.kind === 'sweep' ? outcome.outcome.speeds.length : 1;
  let at: { cell: number; speed: number } | null =
    running && hasData(running.begin, running.speed) ? { cell: running.begin, speed: running.speed } : null;
  if (!at && finished > 0) at = { cell: finished - 1, speed: speeds - 1 };
  if (!at) return null;
  const fig = figuresOf(restrictOutcome(outcome, at.cell, at.cell + 1, outcome.outcome.kind === 'sweep' ? at.speed : undefined))[0];
  if (!fig) return null;
  return { figure: at.speed > 0 ? withEarlierSpeeds(fig, outcome, at.cell, at.speed) : fig, spec: outcome.spec };
}

/**
 * A sweep's loop at speed `speed` with the loops of the speeds finished before it, as dots
 * without bands (the theory's branches are dashed), so that the whole sweep so far stays on screen (each series labelled with its
 * steps per point).
 */
function withEarlierSpeeds(fig: Figure, outcome: ScanOutcome, cell: number, speed: number): Figure {
  if (fig.kind !== 'lines' || outcome.outcome.kind !== 'sweep') return fig;
  const { speeds } = outcome.outcome;
  const measured = (f: Figure | undefined) => (f?.kind === 'lines' ? f.series.filter((x) => x.role === 'up' || x.role === 'down') : []);
  const earlier = speeds.slice(0, speed).flatMap((sp, s) =>
    measured(figuresOf(restrictOutcome(outcome, cell, cell + 1, s))[0]).map((x) => {
      const { lower: _l, upper: _u, ...line } = x;
      const label = x.label.replace(/\s*(\+-|±)1 s\.d\./, '');
      return { ...line, label: `${label} (${sp.stepsPerPoint} steps per point)`, style: 'points' as const };
    }),
  );
  const now = speeds[speed].stepsPerPoint;
  const series = fig.series.map((x) => (x.role === 'up' || x.role === 'down' ? { ...x, label: `${x.label} (${now} steps per point)` } : x));
  return { ...fig, title: `${fig.title}; earlier speeds as dots`, series: [...earlier, ...series] };
}

/** Grid cells finished and in all, over every scan of the run. */
export function cellCounts(run: ChunkedRun): { finished: number; total: number } {
  let finished = 0;
  let total = 0;
  run.specs.forEach((_, s) => {
    finished += run.finishedCells(s);
    total += run.cellCount(s);
  });
  return { finished, total };
}

/** The finished cells of a stopped run as a result: the generic analysis's figures and tables, no estimates. */
export function partialResult(run: ChunkedRun): ExperimentResult {
  const figures: Figure[] = [];
  const tables: Table[] = [];
  const provenance: ExperimentResult['provenance'] = [];
  const finishedCells: number[] = [];
  run.specs.forEach((spec, s) => {
    const n = run.finishedCells(s);
    finishedCells.push(n);
    if (n === 0) return;
    const { outcome } = run.partial(s);
    const done = restrictOutcome(outcome, 0, n);
    const prefix = (name: string) => (run.specs.length > 1 ? `scan${s + 1}-${name}` : name);
    const name = spec.name ?? 'scan';
    if (outcome.outcome.kind === 'relax') {
      const fig = outcome.grid.axes.length > 0 ? relaxFigure(outcome, n) : null;
      if (fig) figures.push({ ...fig, id: prefix(fig.id) });
      for (let f = 0; f < outcome.grid.families; f++)
        tables.push({ ...relaxTable(outcome.grid.families > 1 ? `${name}-family${f}` : name, done, f) });
    } else {
      try {
        const a = analyzeSpec(done);
        figures.push(...a.figures.map((f) => ({ ...gaps(f), id: prefix(f.id) })));
        tables.push(...a.tables);
      } catch {
        // a partial sweep without a whole leg pair: tables only below
      }
    }
    provenance.push(run.provenanceOf(s));
  });
  for (const t of tables) t.name = t.name.replace(/[^\w.-]+/g, '_');
  return {
    id: `${run.id}-partial`,
    title: `${run.title} (stopped: partial results)`,
    scale: run.scale,
    specs: run.specs,
    provenance,
    estimates: [],
    figures,
    tables,
    observables: { partial: true, finishedCells, cells: run.specs.map((_, s) => run.cellCount(s)) },
    predictions: {},
  };
}

function smallButton(text: string, label: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'secondary small';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}

/** The downloads of a stopped run: its partial result.json, its tables, and the figure on screen. */
export function partialExports(box: HTMLElement, buttons: HTMLElement, result: ExperimentResult, shown: Figure | null): void {
  const list: HTMLButtonElement[] = [
    smallButton('partial result.json', 'Download the finished cells as JSON (a partial result.json)', () =>
      download(`${result.id}-result.json`, toJson(result), 'application/json'),
    ),
    ...result.tables.map((t) =>
      smallButton(`${t.name}.csv`, `Download table ${t.name} (finished cells) as CSV`, () => download(`${t.name}.csv`, tableToCsv(t), 'text/csv')),
    ),
  ];
  if (shown) {
    const id = `${result.id}-figure`;
    list.push(
      smallButton('figure PNG', 'Download the figure on screen as PNG', () => {
        void figurePng(shown, result).then((b) => download(`${id}.png`, b));
      }),
      smallButton('figure CSV', 'Download the data of the figure on screen as CSV', () =>
        download(`${id}.csv`, tableToCsv(figureTable(shown)), 'text/csv'),
      ),
    );
  }
  buttons.replaceChildren(...list);
  box.hidden = false;
}

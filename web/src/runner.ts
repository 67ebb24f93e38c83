// Running: a scan or preset in chunks (src/experiments/chunked.ts) with a live figure for
// every protocol (live-figures.ts), the progress in the run bar that stays in view
// (run-dock.ts), Stop into a clear Stopped state whose finished cells stay on screen and can
// be exported, Resume from there (identical numbers to an uninterrupted run), recovery from
// a lost GPU device; the N-expert and training runs go through extra-presets.ts.
// A run estimated above a few minutes asks first; every run's rate is remembered for the
// next estimates (estimate.ts).

import type { Engine } from '../../src/core/engine.js';
import type { ProgressReport } from '../../src/core/scan.js';
import { ChunkedRun, StopError } from '../../src/experiments/chunked.js';
import type { Figure, ScanSpec } from '../../src/experiments/types.js';
import { formatDuration, formatSI } from '../../src/report/format.js';
import { ui, views } from './dom.js';
import type { EngineKind } from './engines.js';
import { CONFIRM_MS, recordRate, roughDuration } from './estimate.js';
import type { ExtraPreset, ExtraResume } from './extra-presets.js';
import { cellCounts, liveFigure, partialExports, partialResult } from './live-figures.js';
import { engines, expose, live, setBodyState, state } from './page-state.js';
import { progressListeners, showProgress, showStatus } from './progress.js';
import { clearResult, showResult } from './results.js';
import { RunDock } from './run-dock.js';
import type { RunControls } from './run-controls.js';
import { costOf, extra, refresh, setupKey, target } from './setup-form.js';

let controls: RunControls;
export const dock = new RunDock(
  () => stop(),
  () => void resume(),
);
progressListeners.push((fraction, text) => dock.progress(fraction, text));

/** The live figure on screen: its scan, and the figure (exported after Stop). */
let shown: { scan: number; figure: Figure } | null = null;
let lastFraction = 0;
let pendingContinue: ChunkedRun | null = null;
let liveDraws = 0;

/** The points with data in a figure: heatmap cells with a value, or the measured series' finite points. */
function dataPoints(fig: Figure): number {
  const finite = (v: number | null) => v !== null && Number.isFinite(v);
  if (fig.kind === 'heatmap') return fig.z.flat().filter(finite).length;
  return fig.series.filter((s) => s.role !== 'theory' && s.role !== 'theory-alt').reduce((n, s) => n + s.y.filter(finite).length, 0);
}

export function setupRunner(c: RunControls): void {
  controls = c;
}

export function stop(): void {
  state.running?.abort.abort();
}

/** Draws scan `scan`'s live figure: Live ... (n %) while running, Stopped ... (partial) after Stop. */
function drawLive(run: ChunkedRun, scan: number, stopped = false): void {
  const f = liveFigure(run, scan);
  if (!f) return;
  const where = run.specs.length > 1 ? ` (scan ${scan + 1} of ${run.specs.length})` : '';
  const title = stopped
    ? `Stopped${where}: ${f.figure.title} (the data so far)`
    : `Live, ${Math.round(100 * lastFraction)} %${where}: ${f.figure.title}`;
  showLive(scan, f.figure, title, stopped, f.spec);
}

/** Puts a figure in the live view under `title`; the first one while running comes into view. */
function showLive(scan: number, figure: Figure, title: string, stopped: boolean, spec?: ScanSpec): void {
  const first = shown === null;
  shown = { scan, figure: { ...figure, title } };
  live.show(shown.figure, spec);
  liveDraws++;
  expose('live', { draws: liveDraws, chunks: state.chunks, title, points: dataPoints(shown.figure) });
  if (first && !stopped) dock.keepInView(ui.results.querySelector<HTMLElement>('#live') ?? ui.results);
}

function engineNote(run: ChunkedRun): string {
  const adapters = [...new Set(run.pieces.flat().map((p) => p.provenance.adapter))];
  return `engine: ${adapters.join(' + ')}`;
}

/** The page after Stop: Stopped in words, the finished cells on screen and their downloads, Resume. */
function showStopped(run: ChunkedRun, key: string | null): void {
  const { finished, total } = cellCounts(run);
  state.stopped = key === null ? null : { run, key };
  state.shownKey = key;
  ui.progressText.textContent =
    `Stopped after ${state.chunks} chunks (${formatSI(run.doneRouterSteps)} of ${formatSI(run.totalRouterSteps)} router-steps, ` +
    `${finished} of ${total} grid cells finished); the figure shows the finished cells. Resume continues from the last finished chunk.`;
  ui.meta.textContent = `Stopped: partial results, ${finished} of ${total} grid cells finished. Resume continues from there; Run starts afresh.`;
  if (shown) drawLive(run, shown.scan, true);
  partialExports(views.exportsBox, views.exportButtons, partialResult(run), shown?.figure ?? null);
  expose('partial', partialResult(run));
  setBodyState('stopped');
  dock.show('stopped', true);
  dock.progress(
    lastFraction,
    `Stopped at ${Math.round(100 * lastFraction)} %: ${finished} of ${total} grid cells finished; Resume goes on from there.`,
  );
}

async function go(run: ChunkedRun, engine: Engine, kind: EngineKind, key: string | null): Promise<void> {
  const abort = new AbortController();
  state.running = { run, abort, kind };
  state.stopped = null;
  setBodyState('running');
  ui.alert.hidden = true;
  ui.meta.textContent = run.doneRouterSteps > 0 ? 'Running (continued)…' : 'Running…';
  dock.show('running');
  refresh();
  const before = { steps: run.doneRouterSteps, ms: run.elapsedMs };
  const remember = () => recordRate(engine.info.adapter, 'router', run.doneRouterSteps - before.steps, run.elapsedMs - before.ms, 'run');
  try {
    const result = await run.run(engine, {
      signal: abort.signal,
      onProgress: (p) => {
        lastFraction = p.fraction;
        showProgress(p);
      },
      onChunk: (c) => {
        state.chunks++;
        document.body.dataset.chunks = String(state.chunks);
        drawLive(run, c.scan);
      },
      onLive: (scan) => drawLive(run, scan),
      liveMs: 400,
    });
    remember();
    state.result = result;
    state.shownKey = key;
    expose('result', result);
    live.clear();
    shown = null;
    showResult(views, result, engineNote(run));
    ui.progressText.textContent =
      `Done: ${formatSI(run.doneRouterSteps)} router-steps in ${formatDuration(run.elapsedMs)} ` +
      `(${formatSI((run.doneRouterSteps * 1000) / run.elapsedMs)} router-steps/s) in ${state.chunks} chunks.`;
    setBodyState('done');
    dock.show('done');
    dock.progress(1, ui.progressText.textContent);
  } catch (err) {
    remember();
    if (err instanceof StopError) {
      showStopped(run, key);
    } else if (kind === 'webgpu' && (engines.lost || (await lostSoon()))) {
      ui.alertText.textContent =
        `${engines.lost} ${state.chunks} finished chunk${state.chunks === 1 ? ' is' : 's are'} kept ` +
        `(${formatSI(run.doneRouterSteps)} of ${formatSI(run.totalRouterSteps)} router-steps); the scan can continue from there.`;
      ui.alert.hidden = false;
      ui.continueGpu.focus();
      setBodyState('lost');
      dock.show('lost');
      pendingContinue = run;
    } else {
      console.error(`moe-cusp: the scan failed: ${(err as Error).message}`);
      ui.progressText.textContent = `The scan failed: ${(err as Error).message}`;
      setBodyState('failed');
      dock.show('failed');
    }
  } finally {
    state.running = null;
    refresh();
  }
}

/** A device loss is reported asynchronously: give it a moment to arrive after an error. */
async function lostSoon(): Promise<boolean> {
  await new Promise((r) => setTimeout(r, 100));
  return engines.lost !== null;
}

/** An N-expert or training run (extra-presets.ts): progress, a live figure per finished scan, Stop keeps a checkpoint. */
async function startExtra(x: ExtraPreset, resumeFrom: ExtraResume | null): Promise<void> {
  const abort = new AbortController();
  const key = setupKey();
  const engine = engines.current();
  clearResult(views);
  live.clear();
  shown = null;
  lastFraction = 0;
  state.result = null;
  state.stopped = null;
  state.shownKey = null;
  state.running = { run: null, abort, kind: engines.kind() };
  setBodyState('running');
  ui.meta.textContent = resumeFrom ? 'Running (continued)…' : 'Running…';
  dock.show('running');
  dock.bringResults();
  refresh();
  showStatus(resumeFrom ? 'Continuing from the checkpoint…' : 'Starting…');
  const t0 = performance.now();
  let steps = 0;
  let first = 0;
  const onProgress = (p: ProgressReport) => {
    if (steps === 0) first = p.routerSteps;
    steps = p.routerSteps;
    lastFraction = p.fraction;
    showProgress(p, x.unit);
  };
  const onLive = (figure: Figure, scan: number, scans: number) => {
    const where = scans > 1 ? ` (scan ${scan + 1} of ${scans} finished)` : '';
    showLive(scan, figure, `Live, ${Math.round(100 * lastFraction)} %${where}: ${figure.title}`, false);
  };
  const outcome = await x.run(engine, { signal: abort.signal, onProgress, onStatus: showStatus, onLive, resume: resumeFrom });
  if (outcome.state === 'done') {
    live.clear();
    shown = null;
    state.result = outcome.result;
    state.shownKey = key;
    expose('result', outcome.result);
    showResult(views, outcome.result, outcome.engineNote);
    const ms = outcome.result.provenance.reduce((n, p) => n + p.elapsedMs, 0);
    recordRate(
      engine.info.adapter,
      x.family,
      outcome.result.provenance.reduce((n, p) => n + p.routerSteps, 0),
      ms,
      'run',
    );
  } else {
    recordRate(engine.info.adapter, x.family, steps - first, performance.now() - t0, 'run');
    if (outcome.state === 'stopped') {
      state.stopped = key !== null ? { extra: outcome.resume, key } : null;
      state.shownKey = key;
      live.clear();
      shown = null;
      expose('partial', outcome.partial);
      const words = 'Stopped: Resume continues from there; Run starts afresh.';
      if (outcome.partial) {
        showResult(views, outcome.partial, 'partial results');
        partialExports(views.exportsBox, views.exportButtons, outcome.partial, null);
        ui.meta.prepend(`${words} `);
      } else ui.meta.textContent = words;
    } else ui.meta.textContent = 'The run failed.';
  }
  ui.progressText.textContent = outcome.message;
  setBodyState(outcome.state);
  dock.show(outcome.state, outcome.state === 'stopped');
  if (outcome.state === 'stopped') dock.progress(lastFraction, outcome.message);
  state.running = null;
  refresh();
}

/** A long run asks first (CONFIRM_MS); true to go on. */
async function confirmed(): Promise<boolean> {
  const cost = costOf();
  if (!cost || cost.ms === null || cost.ms <= CONFIRM_MS) return true;
  return controls.confirm(
    `This run is estimated at ${roughDuration(cost.ms)} on ${engines.label(engines.kind())} ` +
      `(${cost.estimate.replace(/^Estimated time: [^(]*\(|\)\.$/g, '')}). Run it anyway, or pick a smaller scale or scan?`,
  );
}

/** Run: a fresh run of the setup. */
export async function start(): Promise<void> {
  if (state.running) return;
  if (!(await confirmed()) || state.running) return;
  const x = extra();
  if (x) {
    pendingContinue = null;
    await startExtra(x, null);
    return;
  }
  const t = target();
  if (!t) return;
  pendingContinue = null;
  state.chunks = 0;
  document.body.dataset.chunks = '0';
  live.clear();
  shown = null;
  lastFraction = 0;
  clearResult(views);
  ui.meta.textContent = 'Running…';
  state.result = null;
  state.stopped = null;
  state.shownKey = null;
  const run = new ChunkedRun(t);
  const kind = engines.kind();
  let engine: Engine = engines.current();
  dock.show('running');
  dock.bringResults();
  if (kind === 'webgpu' && engines.lost) {
    ui.progressText.textContent = 'Requesting a new GPU device…';
    const gpu = await engines.newGpu();
    if (!gpu) {
      ui.progressText.textContent = `No new GPU device: ${engines.gpuProblem}`;
      dock.show('failed');
      return;
    }
    engine = gpu.engine;
  }
  await go(run, engine, kind, setupKey());
}

/** Resume: the stopped run continues from its last finished chunk, on the engine chosen now. */
export async function resume(): Promise<void> {
  const stopped = state.stopped;
  if (!stopped || state.running || stopped.key !== setupKey()) return;
  if ('extra' in stopped) {
    const x = extra();
    if (x) await startExtra(x, stopped.extra);
    return;
  }
  clearResult(views);
  dock.bringResults();
  let engine: Engine = engines.current();
  if (engines.kind() === 'webgpu' && engines.lost) {
    const gpu = await engines.newGpu();
    if (!gpu) {
      ui.progressText.textContent = `No new GPU device: ${engines.gpuProblem}`;
      return;
    }
    engine = gpu.engine;
  }
  await go(stopped.run, engine, engines.kind(), stopped.key);
}

export async function continueAfterLoss(on: EngineKind): Promise<void> {
  const run = pendingContinue;
  if (!run) return;
  ui.alert.hidden = true;
  let engine: Engine;
  if (on === 'webgpu') {
    ui.progressText.textContent = 'Requesting a new GPU device…';
    const gpu = await engines.newGpu();
    if (!gpu) {
      ui.alertText.textContent = `No new GPU device: ${engines.gpuProblem} Continue on the CPU instead.`;
      ui.alert.hidden = false;
      return;
    }
    engine = gpu.engine;
  } else {
    engine = engines.cpu();
  }
  pendingContinue = null;
  await go(run, engine, on, setupKey());
}

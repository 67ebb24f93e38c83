// The page: picks an engine (engines.ts: WebGPU on the visitor's GPU, else the CPU in Web
// Workers), holds its state in the URL, edits scans, runs them in chunks
// (src/experiments/chunked.ts) with a live figure, progress, Stop, and recovery from a lost
// GPU device, then shows the figures, estimates and downloads. Everything it computes comes
// from the project's core: the same specs, kernels, protocols and analysis as the CLI.
//
// For tests and benchmarks: body[data-state] is loading | ready | running | done | stopped |
// lost | failed, body[data-engine] webgpu | cpu, body[data-chunks] the chunks finished;
// window.moeCusp holds the last result and a hook that destroys the GPU device.

import 'uplot/dist/uPlot.min.css';
import './style.css';
import type { Engine } from '../../src/core/engine.js';
import { InputError } from '../../src/core/model.js';
import type { ProgressReport } from '../../src/core/scan.js';
import { defaultWebScale, WEB_SCALE_NOTES, WEB_SCALES, webPresetSpecs, type WebScale } from '../../src/experiments/browser.js';
import { ChunkedRun, StopError, type ChunkedTarget } from '../../src/experiments/chunked.js';
import { analyzeSpec } from '../../src/experiments/spec-analysis.js';
import { PRESET_IDS, PRESETS, type PresetId } from '../../src/experiments/presets/index.js';
import { canonicalJson, parseSpec, parseSpecText, specRouterSteps, validateSpecFor } from '../../src/experiments/spec.js';
import type { ExperimentResult, ScanSpec } from '../../src/experiments/types.js';
import { formatDuration, formatSI } from '../../src/report/format.js';
import { ScanEditor, type EditorStatus } from './editor.js';
import * as experts from './experts.js';
import type { ExpertPresetId } from './experts.js';
import { PageEngines, type EngineKind } from './engines.js';
import { clearResult, download, LiveView, showResult } from './results.js';
import { decodeState, encodeState } from './url-state.js';

import { $, ui, views } from './dom.js';

const live = new LiveView($('live'), $('live-plot'), $('live-readout'));

const state = {
  editorStatus: null as EditorStatus | null,
  running: null as { run: ChunkedRun | null; abort: AbortController; kind: EngineKind } | null,
  result: null as ExperimentResult | null,
  chunks: 0,
  /** set while a state from the URL is applied (no URL writes meanwhile) */
  applying: false,
};

const engines = new PageEngines(ui.engine, ui.engineStatus, () => state.running !== null);
const engineKind = () => engines.kind();
const currentEngine = () => engines.current();

function setInvalid(e: HTMLElement, invalid: boolean): void {
  if (invalid) e.setAttribute('aria-invalid', 'true');
  else e.removeAttribute('aria-invalid');
}

function setBodyState(s: string): void {
  document.body.dataset.state = s;
}

// ---------------------------------------------------------------------------------------
// Setup form: experiment, scale, seed, editor, JSON, URL
// ---------------------------------------------------------------------------------------

function isPreset(): boolean {
  return ui.experiment.value !== 'custom';
}

function presetSeed(): number | null {
  const t = ui.presetSeed.value.trim();
  const v = Number(t);
  const ok = /^\d+$/.test(t) && Number.isSafeInteger(v);
  setInvalid(ui.presetSeed, !ok);
  ui.presetSeedError.hidden = ok;
  ui.presetSeedError.textContent = ok ? '' : `--seed: must be an integer in [0, ${Number.MAX_SAFE_INTEGER}], got ${JSON.stringify(t)}`;
  return ok ? v : null;
}

/** The selected preset is an N-expert one (experts.ts runs it). */
function isExpertPreset(): boolean {
  return experts.isExpertPresetId(ui.experiment.value);
}

function presetSpecs(): ScanSpec[] | null {
  if (isExpertPreset()) return null;
  const seed = presetSeed();
  // Completed (parseSpec): the JSON box and the editor show every default explicitly.
  return seed === null ? null : webPresetSpecs(ui.experiment.value as PresetId, ui.scale.value as WebScale, seed).map((s) => parseSpec(s));
}

function target(): ChunkedTarget | null {
  if (isPreset()) {
    const specs = presetSpecs();
    return specs && { kind: 'preset', id: ui.experiment.value as PresetId, scale: ui.scale.value, specs };
  }
  const spec = state.editorStatus?.spec;
  return spec ? { kind: 'spec', spec } : null;
}

function writeUrl(): void {
  if (state.applying) return;
  const engine = engineKind() === 'cpu' && engines.gpu ? ('cpu' as const) : undefined;
  let hash: string | null = null;
  if (isPreset()) {
    const seed = presetSeed();
    if (seed !== null)
      hash = encodeState({ kind: 'preset', id: ui.experiment.value as PresetId | ExpertPresetId, scale: ui.scale.value as WebScale, seed, engine });
  } else if (state.editorStatus?.spec) {
    hash = encodeState({ kind: 'spec', spec: state.editorStatus.spec, engine });
  }
  if (hash !== null && hash !== location.hash) history.replaceState(null, '', hash);
}

function setJson(text: string): void {
  if (document.activeElement !== ui.json) ui.json.value = text;
}

function showJsonError(message: string | null): void {
  ui.jsonError.hidden = message === null;
  ui.jsonError.textContent = message ?? '';
  setInvalid(ui.json, message !== null);
}

/** Run enabled iff the setup is valid, an engine is there and nothing runs. */
function refresh(): void {
  const preset = isPreset();
  ui.presetFields.hidden = !preset;
  ui.editor.hidden = preset;
  const t = target();
  const jsonBad = ui.json.getAttribute('aria-invalid') === 'true';
  let capacity: string | null = null;
  if (t) {
    try {
      for (const s of t.kind === 'preset' ? t.specs : [t.spec]) validateSpecFor(s, currentEngine().maxRouters);
    } catch (err) {
      capacity = err instanceof InputError ? `${err.field}: ${err.problem}` : String(err);
    }
  }
  const expert = isExpertPreset() ? presetSeed() : null;
  const ok = (t !== null && !jsonBad && capacity === null) || expert !== null;
  ui.run.disabled = !ok || state.running !== null;
  ui.stop.disabled = state.running === null;
  if (expert !== null) {
    ui.summary.textContent = experts.expertPresetCost(ui.experiment.value as ExpertPresetId, ui.scale.value as WebScale, expert).summary;
  } else if (t && ok) {
    const specs = t.kind === 'preset' ? t.specs : [t.spec];
    const steps = specs.reduce((n, s) => n + specRouterSteps(s), 0);
    ui.summary.textContent = `${specs.length} scan${specs.length > 1 ? 's' : ''}, ${formatSI(steps)} router-steps`;
  } else {
    ui.summary.textContent = capacity ?? (t === null || jsonBad ? 'Fix the marked field to run.' : '');
  }
  if (isExpertPreset()) {
    ui.note.textContent = `${experts.EXPERT_PRESETS[ui.experiment.value as ExpertPresetId].description} (Stop ends an N-expert run; a rerun starts afresh.)`;
  } else if (preset) {
    const id = ui.experiment.value as PresetId;
    const n = t?.kind === 'preset' ? t.specs.length : 0;
    ui.note.textContent = `${PRESETS[id].description}${n > 1 ? ` Runs ${n} scans (the JSON below shows the first; scan i uses seed + i).` : ''}`;
  } else {
    ui.note.textContent = "Any parameter fixed or as an axis; the JSON below is the command line's spec format.";
  }
  ui.scale.title = WEB_SCALE_NOTES[ui.scale.value as WebScale] ?? '';
}

function presetChanged(): void {
  const seed = presetSeed();
  if (isExpertPreset() && seed !== null)
    setJson(JSON.stringify(experts.expertPresetCost(ui.experiment.value as ExpertPresetId, ui.scale.value as WebScale, seed).first, null, 2));
  const specs = presetSpecs();
  if (specs) setJson(JSON.stringify(specs[0], null, 2));
  showJsonError(null);
  refresh();
  writeUrl();
}

function editorChanged(status: EditorStatus): void {
  state.editorStatus = status;
  setJson(JSON.stringify(status.spec ?? status.raw, null, 2));
  if (document.activeElement !== ui.json) showJsonError(null);
  refresh();
  writeUrl();
}

let editor: ScanEditor;

function toCustom(spec: ScanSpec): void {
  ui.experiment.value = 'custom';
  editor.load(spec);
  state.editorStatus = editor.validate();
  setJson(JSON.stringify(state.editorStatus.spec ?? state.editorStatus.raw, null, 2));
  refresh();
  writeUrl();
}

/** The JSON box was edited: a valid spec loads into the editor; an invalid one is marked. */
function jsonEdited(): void {
  try {
    const spec = parseSpecText(ui.json.value);
    validateSpecFor(spec, currentEngine().maxRouters);
    showJsonError(null);
    ui.experiment.value = 'custom';
    editor.load(spec);
    state.editorStatus = editor.validate();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    showJsonError(`${err.field}: ${err.problem}`);
    if (isPreset()) ui.experiment.value = 'custom';
    state.editorStatus = { spec: null, raw: null, error: err };
  }
  refresh();
  writeUrl();
}

function applyUrl(): void {
  const decoded = decodeState(location.hash);
  if (!decoded) return;
  state.applying = true;
  try {
    if ('error' in decoded) {
      ui.engineStatus.textContent = decoded.error;
      return;
    }
    if (decoded.engine === 'cpu') ui.engine.value = 'cpu';
    if (decoded.kind === 'preset') {
      ui.experiment.value = decoded.id;
      ui.scale.value = decoded.scale;
      ui.presetSeed.value = String(decoded.seed);
      presetChanged();
    } else {
      ui.json.value = decoded.text;
      ui.jsonPanel.open = true;
      jsonEdited();
    }
  } finally {
    state.applying = false;
  }
  document.body.dataset.engine = engineKind();
  refresh();
}

function setupForm(): void {
  for (const id of PRESET_IDS) ui.experiment.append(new Option(`${PRESETS[id].title}`, id));
  experts.appendExpertOptions(ui.experiment);
  ui.experiment.append(new Option('Custom scan (editor)', 'custom'));
  for (const s of WEB_SCALES) ui.scale.append(new Option(`${s}: ${WEB_SCALE_NOTES[s]}`, s));
  ui.experiment.value = 'fig8';
  ui.scale.value = defaultWebScale(engineKind());
  ui.presetSeed.value = '1';

  editor = new ScanEditor(ui.editor, editorChanged);
  editor.maxRouters = currentEngine().maxRouters;
  editor.load(parseSpec(webPresetSpecs('fig8', ui.scale.value as WebScale, 1)[0]));
  state.editorStatus = editor.validate();

  ui.experiment.addEventListener('change', () => {
    if (isPreset()) presetChanged();
    else editorChanged(editor.validate());
  });
  ui.scale.addEventListener('change', presetChanged);
  ui.presetSeed.addEventListener('input', presetChanged);
  ui.engine.addEventListener('change', () => {
    const previous = engineKind() === 'cpu' ? 'webgpu' : 'cpu';
    if (ui.scale.value === defaultWebScale(previous)) ui.scale.value = defaultWebScale(engineKind());
    document.body.dataset.engine = engineKind();
    editor.maxRouters = currentEngine().maxRouters;
    if (isPreset()) presetChanged();
    else editorChanged(editor.validate());
  });
  ui.editPreset.addEventListener('click', () => {
    const specs = presetSpecs();
    if (specs) toCustom(specs[0]);
    ui.editor.querySelector<HTMLElement>('select, input')?.focus();
  });
  let pending = 0;
  ui.json.addEventListener('input', () => {
    clearTimeout(pending);
    pending = window.setTimeout(jsonEdited, 250);
  });
  ui.downloadSpec.addEventListener('click', () => {
    try {
      const spec = parseSpecText(ui.json.value);
      download(`${spec.name ?? 'scan'}.json`, JSON.stringify(spec, null, 2) + '\n', 'application/json');
    } catch (err) {
      showJsonError(err instanceof InputError ? `${err.field}: ${err.problem}` : String(err));
    }
  });
  ui.copyLink.addEventListener('click', () => {
    writeUrl();
    void navigator.clipboard?.writeText(location.href).then(
      () => {
        ui.summary.textContent = 'Link copied.';
      },
      () => {
        ui.summary.textContent = `Link: ${location.href}`;
      },
    );
  });
  window.addEventListener('hashchange', applyUrl);
}

// ---------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------

function showProgress(p: ProgressReport): void {
  ui.progress.value = p.fraction;
  const eta = Number.isFinite(p.etaSeconds) ? formatDuration(p.etaSeconds * 1000) : '…';
  ui.progressText.textContent =
    `${(100 * p.fraction).toFixed(1)} % · ${formatSI(p.routerSteps)} of ${formatSI(p.totalRouterSteps)} router-steps · ` +
    `${formatSI(p.rate)} router-steps/s · ETA ${eta}`;
  document.body.dataset.doneSteps = String(p.routerSteps);
}

/** The live figure of a relax scan from its finished chunks (generic analysis of a partial outcome). */
function showLive(run: ChunkedRun, scan: number): void {
  const partial = run.partialRelax(scan);
  if (!partial || partial.spec.axes.length === 0) return;
  try {
    const fig = analyzeSpec(partial).figures[0];
    if (!fig) return;
    const title = `Live: ${run.title}${run.specs.length > 1 ? `, scan ${scan + 1} of ${run.specs.length}` : ''} (${Math.round((100 * run.doneRouterSteps) / run.totalRouterSteps)} %)`;
    live.show({ ...fig, title }, partial.spec);
  } catch (err) {
    console.warn('moe-cusp: no live figure for this scan:', err);
  }
}

function engineNote(run: ChunkedRun): string {
  const adapters = [...new Set(run.pieces.flat().map((p) => p.provenance.adapter))];
  return `engine: ${adapters.join(' + ')}`;
}

async function go(run: ChunkedRun, engine: Engine, kind: EngineKind): Promise<void> {
  const abort = new AbortController();
  state.running = { run, abort, kind };
  setBodyState('running');
  ui.alert.hidden = true;
  refresh();
  try {
    const result = await run.run(engine, {
      signal: abort.signal,
      onProgress: showProgress,
      onChunk: (c) => {
        state.chunks++;
        document.body.dataset.chunks = String(state.chunks);
        showLive(run, c.scan);
      },
    });
    state.result = result;
    (window as unknown as { moeCusp: Record<string, unknown> }).moeCusp.result = result;
    live.clear();
    showResult(views, result, engineNote(run));
    ui.progressText.textContent =
      `Done: ${formatSI(run.doneRouterSteps)} router-steps in ${formatDuration(run.elapsedMs)} ` +
      `(${formatSI((run.doneRouterSteps * 1000) / run.elapsedMs)} router-steps/s) in ${state.chunks} chunks.`;
    setBodyState('done');
  } catch (err) {
    if (err instanceof StopError) {
      ui.progressText.textContent = `Stopped after ${state.chunks} chunks (${formatSI(run.doneRouterSteps)} of ${formatSI(run.totalRouterSteps)} router-steps); the figure shows the finished cells.`;
      setBodyState('stopped');
    } else if (kind === 'webgpu' && (engines.lost || (await lostSoon()))) {
      ui.alertText.textContent =
        `${engines.lost} ${state.chunks} finished chunk${state.chunks === 1 ? ' is' : 's are'} kept ` +
        `(${formatSI(run.doneRouterSteps)} of ${formatSI(run.totalRouterSteps)} router-steps); the scan can continue from there.`;
      ui.alert.hidden = false;
      ui.continueGpu.focus();
      setBodyState('lost');
      pendingContinue = run;
    } else {
      console.error('moe-cusp: the scan failed:', err);
      ui.progressText.textContent = `The scan failed: ${(err as Error).message}`;
      setBodyState('failed');
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

let pendingContinue: ChunkedRun | null = null;

/** An N-expert preset (experts.ts): run whole with progress; Stop ends it. */
async function startExpert(id: ExpertPresetId, seed: number): Promise<void> {
  const abort = new AbortController();
  clearResult(views);
  live.clear();
  state.result = null;
  state.running = { run: null, abort, kind: engineKind() };
  setBodyState('running');
  refresh();
  const outcome = await experts.runExpertPresetOnPage(currentEngine(), id, ui.scale.value as WebScale, seed, {
    signal: abort.signal,
    onProgress: showProgress,
  });
  if ('result' in outcome) {
    state.result = outcome.result;
    (window as unknown as { moeCusp: Record<string, unknown> }).moeCusp.result = outcome.result;
    showResult(views, outcome.result, outcome.engineNote);
  }
  ui.progressText.textContent = outcome.message;
  setBodyState(outcome.state);
  state.running = null;
  refresh();
}

async function start(): Promise<void> {
  if (isExpertPreset() && !state.running) {
    const seed = presetSeed();
    if (seed !== null) await startExpert(ui.experiment.value as ExpertPresetId, seed);
    return;
  }
  const t = target();
  if (!t || state.running) return;
  pendingContinue = null;
  state.chunks = 0;
  document.body.dataset.chunks = '0';
  live.clear();
  clearResult(views);
  ui.meta.textContent = 'Running…';
  state.result = null;
  const run = new ChunkedRun(t);
  const kind = engineKind();
  let engine: Engine = currentEngine();
  if (kind === 'webgpu' && engines.lost) {
    ui.progressText.textContent = 'Requesting a new GPU device…';
    const gpu = await engines.newGpu();
    if (!gpu) {
      ui.progressText.textContent = `No new GPU device: ${engines.gpuProblem}`;
      return;
    }
    engine = gpu.engine;
  }
  await go(run, engine, kind);
}

async function continueAfterLoss(on: EngineKind): Promise<void> {
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
  await go(run, engine, on);
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  (window as unknown as { moeCusp: Record<string, unknown> }).moeCusp = {
    result: null,
    /** Destroys the GPU device, as a driver reset would lose it (tests of the recovery path). */
    loseDevice: () => engines.gpu?.device.destroy(),
    canonicalSpec: () => (state.editorStatus?.spec ? canonicalJson(parseSpec(state.editorStatus.spec)) : null),
  };
  const initial = decodeState(location.hash);
  await engines.setup(initial !== null && !('error' in initial) && initial.engine === 'cpu');
  setupForm();
  ui.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void start();
  });
  ui.stop.addEventListener('click', () => state.running?.abort.abort());
  ui.continueGpu.addEventListener('click', () => {
    void continueAfterLoss('webgpu');
  });
  ui.continueCpu.addEventListener('click', () => {
    void continueAfterLoss('cpu');
  });
  if (location.hash) applyUrl();
  else presetChanged();
  setBodyState('ready');
}

void main().catch((err) => {
  console.error('moe-cusp: the page could not start:', err);
  ui.engineStatus.textContent = `The page could not start: ${(err as Error).message}`;
  setBodyState('failed');
});

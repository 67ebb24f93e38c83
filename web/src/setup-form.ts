// The setup form: experiment, scale, seed, engine, the scan editors (two experts, editor.ts;
// N experts, expert-editor.ts), the JSON box (a pasted spec opens the editor of its model), and
// the URL that holds them (url-state.ts). Run is enabled iff the setup is valid, an engine is there
// and nothing runs; beside it, the cost (router-steps and the time estimated on this engine,
// estimate.ts). A change of experiment, scale or engine is a history entry (Back and Forward
// move between presets); typing in a field rewrites the current entry. While a run goes the
// form is locked; results on screen are marked out of date once the setup differs from theirs.

import { InputError } from '../../src/core/model.js';
import { parseExpertSpecText, type ExpertScanSpec } from '../../src/experiments/experts/spec.js';
import { defaultWebScale, WEB_SCALE_NOTES, WEB_SCALES, webPresetSpecs, type WebScale } from '../../src/experiments/browser.js';
import type { ChunkedTarget } from '../../src/experiments/chunked.js';
import { PRESET_IDS, PRESETS, type PresetId } from '../../src/experiments/presets/index.js';
import { canonicalJson, parseSpec, parseSpecText, specRouterSteps, validateSpecFor, type ParsedSpec } from '../../src/experiments/spec.js';
import { formatSI } from '../../src/report/format.js';
import { ui } from './dom.js';
import { ScanEditor, type EditorStatus } from './editor.js';
import { estimate, type RateFamily } from './estimate.js';
import { defaultExpertSpec, ExpertEditor, type ExpertEditorStatus } from './expert-editor.js';
import { expertPresetSpecs, expertScale, isExpertPresetId } from './experts.js';
import { appendExtraOptions, expertSpecRun, extraPreset, isExtraPresetId, type ExtraPreset, type ExtraPresetId } from './extra-presets.js';
import { errorInWords } from './field-words.js';
import { engines, state } from './page-state.js';
import type { RunControls } from './run-controls.js';
import { download } from './results.js';
import { decodeState, encodeState } from './url-state.js';

let editor: ScanEditor;
let expertEditor: ExpertEditor;
/** the experiment select's value of the N-expert editor */
const CUSTOM_EXPERTS = 'custom-experts';
const EXPERT_NOTE = 'An N-expert scan of your own: N, the balancing, and any parameter fixed or as an axis.';
let controls: RunControls | null = null;
/** the hash the form shows (written or applied): Back and Forward to another one apply it */
let appliedHash = location.hash;

function setInvalid(e: HTMLElement, invalid: boolean): void {
  if (invalid) e.setAttribute('aria-invalid', 'true');
  else e.removeAttribute('aria-invalid');
}

export function isPreset(): boolean {
  return ui.experiment.value !== 'custom' && ui.experiment.value !== CUSTOM_EXPERTS;
}

/** Whether the N-expert editor is the setup. */
const isCustomExperts = () => ui.experiment.value === CUSTOM_EXPERTS;

export function presetSeed(): number | null {
  const t = ui.presetSeed.value.trim();
  const v = Number(t);
  const ok = /^\d+$/.test(t) && Number.isSafeInteger(v);
  setInvalid(ui.presetSeed, !ok);
  ui.presetSeedError.hidden = ok;
  ui.presetSeedError.textContent = ok
    ? ''
    : `The seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}; you entered ${JSON.stringify(t)}.`;
  return ok ? v : null;
}

/** Whether the setup is an N-expert or training preset or the N-expert editor's scan (run by extra-presets.ts). */
const isExtra = () => isExtraPresetId(ui.experiment.value) || isCustomExperts();

/** The runner of the setup when it is an N-expert or training preset (its seed valid) or a valid N-expert scan. */
export function extra(): ExtraPreset | null {
  if (isCustomExperts()) {
    const spec = state.expertStatus?.spec;
    return spec ? expertSpecRun(spec) : null;
  }
  if (!isExtra()) return null;
  const seed = presetSeed();
  return seed === null ? null : extraPreset(ui.experiment.value, ui.scale.value as WebScale, seed);
}

function presetSpecs(): ParsedSpec[] | null {
  if (isExtra()) return null;
  const seed = presetSeed();
  // Completed (parseSpec): the JSON box and the editor show every default explicitly.
  return seed === null ? null : webPresetSpecs(ui.experiment.value as PresetId, ui.scale.value as WebScale, seed).map((s) => parseSpec(s));
}

export function target(): ChunkedTarget | null {
  if (isPreset()) {
    const specs = presetSpecs();
    return specs && { kind: 'preset', id: ui.experiment.value as PresetId, scale: ui.scale.value, specs };
  }
  if (isCustomExperts()) return null;
  const spec = state.editorStatus?.spec;
  return spec ? { kind: 'spec', spec } : null;
}

/** What the setup computes, as a string: results on screen carry the key of theirs. */
export function setupKey(): string | null {
  if (isCustomExperts()) {
    const spec = state.expertStatus?.spec;
    return spec ? `experts|${canonicalJson(spec)}` : null;
  }
  if (isExtra()) {
    const seed = presetSeed();
    return seed === null ? null : `${ui.experiment.value}|${ui.scale.value}|${seed}`;
  }
  const t = target();
  if (!t) return null;
  return `${t.kind === 'preset' ? t.id : 'spec'}|${(t.kind === 'preset' ? t.specs : [t.spec]).map((s) => canonicalJson(s)).join('|')}`;
}

/** The hash of the setup (null while it is invalid). */
function hashNow(): string | null {
  const engine = engines.explicit && engines.gpu ? engines.kind() : undefined;
  if (isPreset()) {
    const seed = presetSeed();
    return seed === null
      ? null
      : encodeState({ kind: 'preset', id: ui.experiment.value as PresetId | ExtraPresetId, scale: ui.scale.value as WebScale, seed, engine });
  }
  const spec = isCustomExperts() ? state.expertStatus?.spec : state.editorStatus?.spec;
  return spec ? encodeState({ kind: 'spec', spec: spec as ParsedSpec | ExpertScanSpec, engine }) : null;
}

/** Writes the setup to the URL: a new history entry (`push`) or the current one rewritten. */
export function writeUrl(push = false): void {
  if (state.applying) return;
  const hash = hashNow();
  if (hash === null || hash === location.hash) return;
  if (push) history.pushState(null, '', hash);
  else history.replaceState(null, '', hash);
  appliedHash = location.hash;
}

/** The link to share: the setup as it is now. */
export function shareLink(): string {
  writeUrl();
  return location.href;
}

function setJson(text: string): void {
  if (document.activeElement !== ui.json) ui.json.value = text;
}

function showJsonError(message: string | null): void {
  ui.jsonError.hidden = message === null;
  ui.jsonError.textContent = message ?? '';
  setInvalid(ui.json, message !== null);
}

/** The cost: the steps (a sentence), and the time estimated on the chosen engine (estimate.ts). */
export function costOf(): { summary: string; steps: number; family: RateFamily; ms: number | null; estimate: string } | null {
  const x = extra();
  const adapter = engines.current().info.adapter;
  const timed = (steps: number, family: RateFamily) => {
    const e = estimate(adapter, steps, family);
    return { ms: e?.ms ?? null, estimate: e ? `Estimated time: ${e.text}.` : 'Estimated time: known after a first run on this engine.' };
  };
  if (isExtra()) {
    if (!x) return null;
    const c = x.cost();
    return { summary: c.summary, steps: c.steps, family: x.family, ...timed(c.steps, x.family) };
  }
  const t = target();
  if (!t) return null;
  const specs = t.kind === 'preset' ? t.specs : [t.spec];
  const steps = specs.reduce((n, s) => n + specRouterSteps(s), 0);
  const summary = `${specs.length} scan${specs.length > 1 ? 's' : ''}, ${formatSI(steps)} router-steps`;
  return { summary, steps, family: 'router', ...timed(steps, 'router') };
}

/** Locks the setup while a run goes (the results then belong to what the form shows). */
function lock(locked: boolean): void {
  const first = ui.form.querySelector('fieldset');
  if (first) first.disabled = locked;
  editor.lock(locked);
  expertEditor.lock(locked);
  ui.json.readOnly = locked;
  ui.form.dataset.locked = String(locked);
}

/** Run enabled iff the setup is valid, an engine is there and nothing runs; the rest of the form follows. */
export function refresh(): void {
  const preset = isPreset();
  const experts = isCustomExperts();
  ui.presetFields.hidden = !preset;
  ui.editor.hidden = preset || experts;
  ui.expertEditor.hidden = !experts;
  const t = target();
  const jsonBad = ui.json.getAttribute('aria-invalid') === 'true';
  let capacity: string | null = null;
  if (t) {
    try {
      for (const s of t.kind === 'preset' ? t.specs : [t.spec]) validateSpecFor(s, engines.current().maxRouters);
    } catch (err) {
      capacity = err instanceof InputError ? errorInWords(err) : String(err);
    }
  }
  const x = extra();
  const ok = (t !== null && !jsonBad && capacity === null) || (x !== null && !(experts && jsonBad));
  const running = state.running !== null;
  ui.run.disabled = !ok || running;
  ui.stop.disabled = !running;
  // an N-expert preset's first scan opens in the N-expert editor; a training preset has no editor
  ui.editPreset.hidden = isExtra() && !isExpertPresetId(ui.experiment.value);
  lock(running);
  const cost = ok ? costOf() : null;
  ui.summary.textContent = cost ? cost.summary : (capacity ?? (t === null || jsonBad ? 'Fix the marked field to run.' : ''));
  if (controls) {
    controls.estimate.textContent = cost?.estimate ?? '';
    controls.estimate.dataset.ms = cost?.ms == null ? '' : String(Math.round(cost.ms));
  }
  if (isExtra()) {
    ui.note.textContent = x?.note ?? (experts ? EXPERT_NOTE : '');
  } else if (preset) {
    const id = ui.experiment.value as PresetId;
    const n = t?.kind === 'preset' ? t.specs.length : 0;
    ui.note.textContent = `${PRESETS[id].description}${n > 1 ? ` Runs ${n} scans (the JSON below shows the first; scan i uses seed + i).` : ''}`;
  } else {
    ui.note.textContent = "Any parameter fixed or as an axis; the JSON below is the command line's spec format.";
  }
  ui.scale.title = WEB_SCALE_NOTES[ui.scale.value as WebScale] ?? '';
  const key = setupKey();
  const stale = state.shownKey !== null && key !== state.shownKey && !running;
  ui.results.dataset.stale = String(stale);
  if (controls) {
    controls.stale.hidden = !stale;
    const resumable = !running && state.stopped !== null && state.stopped.key === key;
    controls.resume.hidden = !resumable;
    controls.resume.disabled = !resumable;
  }
}

function presetChanged(push = false): void {
  const x = extra();
  if (x) setJson(JSON.stringify(x.cost().first, null, 2));
  const specs = presetSpecs();
  if (specs) setJson(JSON.stringify(specs[0], null, 2));
  showJsonError(null);
  refresh();
  writeUrl(push);
}

/** An editor's form changed: its status kept, the JSON box, Run and the URL follow. */
function formChanged(status: EditorStatus | ExpertEditorStatus, push: boolean): void {
  setJson(JSON.stringify(status.spec ?? status.raw, null, 2));
  if (document.activeElement !== ui.json) showJsonError(null);
  refresh();
  writeUrl(push);
}

function editorChanged(status: EditorStatus, push = false): void {
  state.editorStatus = status;
  formChanged(status, push);
}

function expertChanged(status: ExpertEditorStatus, push = false): void {
  state.expertStatus = status;
  formChanged(status, push);
}

/** The form changed as a whole (experiment, engine, a link that fell back): the setup's JSON and URL follow. */
function setupChanged(push = false): void {
  if (isPreset()) presetChanged(push);
  else if (isCustomExperts()) expertChanged(expertEditor.validate(), push);
  else editorChanged(editor.validate(), push);
}

/** An N-expert preset's scan into the N-expert editor (Edit this preset). */
function toExperts(spec: ExpertScanSpec): void {
  ui.experiment.value = CUSTOM_EXPERTS;
  // the scan's description belongs to the preset: the result describes itself from the spec
  const { description: _preset, ...own } = spec;
  expertEditor.load(own as ExpertScanSpec);
  expertChanged(expertEditor.validate(), true);
}

function toCustom(spec: ParsedSpec): void {
  ui.experiment.value = 'custom';
  // the preset's description is not this scan's: the result describes itself from the spec
  const { description: _preset, ...own } = spec;
  editor.load(own as ParsedSpec);
  state.editorStatus = editor.validate();
  setJson(JSON.stringify(state.editorStatus.spec ?? state.editorStatus.raw, null, 2));
  refresh();
  writeUrl(true);
}

/** The JSON of the box, or null when it is not JSON. */
function boxJson(): unknown {
  try {
    return JSON.parse(ui.json.value);
  } catch {
    return null;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether the box holds an N-expert spec (model "experts"), or text that is not JSON while the N-expert editor is the setup. */
function boxIsExperts(raw: unknown): boolean {
  return isObject(raw) ? raw.model === 'experts' : raw === null && isCustomExperts();
}

/** The N-expert spec of the JSON box: a valid one loads into the N-expert editor; an invalid one is marked. */
function expertJsonEdited(raw: unknown): void {
  ui.experiment.value = CUSTOM_EXPERTS;
  try {
    const spec = parseExpertSpecText(ui.json.value);
    showJsonError(null);
    expertEditor.load(spec);
    state.expertStatus = expertEditor.validate();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    showJsonError(`${err.field}: ${err.problem}`);
    state.expertStatus = isObject(raw) && expertEditor.loadRaw(raw) ? expertEditor.validate() : { spec: null, raw, error: err, errors: [] };
  }
}

/** The JSON box was edited: a valid spec loads into the editor of its model; an invalid one is marked. */
function jsonEdited(): void {
  const json = boxJson();
  if (boxIsExperts(json)) {
    expertJsonEdited(json);
    refresh();
    writeUrl();
    return;
  }
  try {
    const spec = parseSpecText(ui.json.value);
    validateSpecFor(spec, engines.current().maxRouters);
    showJsonError(null);
    ui.experiment.value = 'custom';
    editor.load(spec);
    state.editorStatus = editor.validate();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    // The box holds the command line's format: its message names the JSON path, as the CLI does.
    showJsonError(`${err.field}: ${err.problem}`);
    if (isPreset()) ui.experiment.value = 'custom';
    // A spec that is JSON goes into the form as far as it can, its fields marked with their problems.
    let raw: unknown = null;
    try {
      raw = JSON.parse(ui.json.value);
    } catch {
      // not JSON: the box's message says so
    }
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && editor.loadRaw(raw as Record<string, unknown>)) {
      state.editorStatus = editor.validate();
    } else {
      state.editorStatus = { spec: null, raw, error: err };
    }
  }
  refresh();
  writeUrl();
}

/** Applies the URL's state (a link opened, Back or Forward). */
export function applyUrl(): void {
  const decoded = decodeState(location.hash);
  if (!decoded) return;
  state.applying = true;
  try {
    if ('error' in decoded) {
      // A damaged or unknown link: the note says so, and the form keeps (or falls back to) its setup.
      ui.engineStatus.textContent = `${decoded.error} The page shows its default setup instead.`;
      setupChanged();
      return;
    }
    if (decoded.engine && engines.gpu && decoded.engine !== engines.kind()) {
      ui.engine.value = decoded.engine;
      engineChanged();
    }
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
    appliedHash = location.hash;
  }
  document.body.dataset.engine = engines.kind();
  refresh();
}

/** The engine select changed (a person, or a link): scale default, capacity, estimate. */
function engineChanged(): void {
  const previous = engines.kind() === 'cpu' ? 'webgpu' : 'cpu';
  if (ui.scale.value === defaultWebScale(previous)) ui.scale.value = defaultWebScale(engines.kind());
  document.body.dataset.engine = engines.kind();
  editor.maxRouters = engines.current().maxRouters;
}

export function setupForm(runControls: RunControls): void {
  controls = runControls;
  for (const id of PRESET_IDS) ui.experiment.append(new Option(`${PRESETS[id].title}`, id));
  appendExtraOptions(ui.experiment);
  ui.experiment.append(new Option('Custom scan (editor)', 'custom'));
  ui.experiment.append(new Option('Custom N-expert scan (editor)', CUSTOM_EXPERTS));
  for (const s of WEB_SCALES) ui.scale.append(new Option(`${s}: ${WEB_SCALE_NOTES[s]}`, s));
  ui.experiment.value = 'fig8';
  ui.scale.value = defaultWebScale(engines.kind());
  ui.presetSeed.value = '1';

  editor = new ScanEditor(ui.editor, (s) => editorChanged(s));
  editor.maxRouters = engines.current().maxRouters;
  editor.load(parseSpec(webPresetSpecs('fig8', ui.scale.value as WebScale, 1)[0]));
  state.editorStatus = editor.validate();
  expertEditor = new ExpertEditor(ui.expertEditor, (s) => expertChanged(s));
  expertEditor.load(defaultExpertSpec());
  state.expertStatus = expertEditor.validate();

  ui.experiment.addEventListener('change', () => setupChanged(true));
  ui.scale.addEventListener('change', () => presetChanged(true));
  ui.presetSeed.addEventListener('input', () => presetChanged());
  ui.engine.addEventListener('change', () => {
    engines.chosen();
    engineChanged();
    setupChanged(true);
    // Without a rate for this engine yet, time it for the estimate.
    void engines.rateOf(engines.kind()).then(() => refresh());
  });
  ui.editPreset.addEventListener('click', () => {
    const id = ui.experiment.value;
    if (isExpertPresetId(id)) {
      const seed = presetSeed();
      if (seed !== null) toExperts(expertPresetSpecs(id, expertScale(ui.scale.value as WebScale), seed)[0]);
      expertEditor.focus();
      return;
    }
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
      const spec = boxIsExperts(boxJson()) ? parseExpertSpecText(ui.json.value) : parseSpecText(ui.json.value);
      download(`${spec.name ?? ('model' in spec ? 'experts' : 'scan')}.json`, JSON.stringify(spec, null, 2) + '\n', 'application/json');
    } catch (err) {
      showJsonError(err instanceof InputError ? `${err.field}: ${err.problem}` : String(err));
    }
  });
  // Back and Forward (history entries of pushState), and a hash edited by hand.
  const follow = () => {
    if (location.hash === appliedHash) return;
    appliedHash = location.hash;
    applyUrl();
  };
  window.addEventListener('popstate', follow);
  window.addEventListener('hashchange', follow);
}

/** The first page state: the link's, else fig8 at the engine's default scale. */
export function initialState(): void {
  appliedHash = location.hash;
  if (location.hash) applyUrl();
  else presetChanged();
}

// The page: picks an engine (engines.ts: WebGPU on the visitor's GPU, or the CPU in Web
// Workers where that is faster or the only one), holds its setup in the URL (url-state.ts),
// edits scans (setup-form.ts, editor.ts), runs them in chunks with a live figure, a run bar
// that stays in view, Stop, Resume and recovery from a lost GPU device (runner.ts), then shows
// the figures, estimates and downloads (results.ts). The N-expert and trainable-MoE presets run
// through the CLI's experiment runners instead (extra-presets.ts). Everything it computes comes from the project's core: the
// same specs, kernels, protocols and analysis as the CLI.
//
// For tests and benchmarks: body[data-state] is loading | ready | running | done | stopped |
// lost | failed, body[data-engine] webgpu | cpu, body[data-engine-choice] link | user | probe |
// gpu | only, body[data-chunks] the chunks finished; window.moeCusp holds the last result
// (and after Stop the partial one), the probe's rates and a hook that destroys the GPU device.

import 'uplot/dist/uPlot.min.css';
import './style.css';
import { canonicalJson, parseSpec } from '../../src/experiments/spec.js';
import { digitsSummary } from './digits.js';
import { ui } from './dom.js';
import { engines, expose, setBodyState, state } from './page-state.js';
import { setupRunControls } from './run-controls.js';
import { continueAfterLoss, resume, setupRunner, start, stop } from './runner.js';
import { initialState, setupForm, shareLink } from './setup-form.js';
import { decodeState } from './url-state.js';

async function main(): Promise<void> {
  expose('result', null);
  /** Destroys the GPU device, as a driver reset would lose it (tests of the recovery path). */
  expose('loseDevice', () => engines.gpu?.device.destroy());
  expose('canonicalSpec', () => (state.editorStatus?.spec ? canonicalJson(parseSpec(state.editorStatus.spec)) : null));
  /** The N-expert editor's spec (parsed), canonical: null while invalid. */
  expose('canonicalExpertSpec', () => (state.expertStatus?.spec ? canonicalJson(state.expertStatus.spec) : null));
  /** Loads the digits data as the digits presets do (tests): row counts and the checked SHA-256. */
  expose('digits', digitsSummary);
  expose('probed', engines.probed);
  const initial = decodeState(location.hash);
  await engines.setup(initial !== null && !('error' in initial) ? initial.engine : undefined);
  const controls = setupRunControls(() => void resume(), shareLink);
  setupRunner(controls);
  setupForm(controls);
  ui.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void start();
  });
  ui.stop.addEventListener('click', stop);
  ui.continueGpu.addEventListener('click', () => {
    void continueAfterLoss('webgpu');
  });
  ui.continueCpu.addEventListener('click', () => {
    void continueAfterLoss('cpu');
  });
  initialState();
  setBodyState('ready');
}

void main().catch((err) => {
  console.error(`moe-cusp: the page could not start: ${(err as Error).message}`);
  ui.engineStatus.textContent = `The page could not start: ${(err as Error).message}`;
  setBodyState('failed');
});

// What the page's modules share: the state of the setup and of the run (setup-form.ts reads
// and writes the setup, runner.ts the run), the engines, the live figure, and the hooks tests
// and benchmarks read (body[data-*], window.moeCusp).

import type { ChunkedRun } from '../../src/experiments/chunked.js';
import type { ExperimentResult } from '../../src/experiments/types.js';
import { $, ui } from './dom.js';
import type { EditorStatus } from './editor.js';
import type { ExpertEditorStatus } from './expert-editor.js';
import type { ExtraResume } from './extra-run.js';
import { PageEngines, type EngineKind } from './engines.js';
import { LiveView } from './results.js';

export const state = {
  editorStatus: null as EditorStatus | null,
  /** the N-expert editor's (expert-editor.ts) */
  expertStatus: null as ExpertEditorStatus | null,
  running: null as { run: ChunkedRun | null; abort: AbortController; kind: EngineKind } | null,
  result: null as ExperimentResult | null,
  chunks: 0,
  /** set while a state from the URL is applied (no URL writes meanwhile) */
  applying: false,
  /** a run that Stop interrupted (a chunked run, or an N-expert or training run's checkpoint) and the setup it ran (setupKey): Resume continues it */
  stopped: null as ({ run: ChunkedRun; key: string } | { extra: ExtraResume; key: string }) | null,
  /** the setup of the results on screen (whole or partial); they are out of date when it changes */
  shownKey: null as string | null,
};

export const engines = new PageEngines(ui.engine, ui.engineStatus, () => state.running !== null);
export const live = new LiveView($('live'), $('live-plot'), $('live-readout'));

export function setBodyState(s: 'loading' | 'ready' | 'running' | 'done' | 'stopped' | 'lost' | 'failed'): void {
  document.body.dataset.state = s;
}

type Hooks = { moeCusp: Record<string, unknown> };

/** window.moeCusp.<name> = value (tests read the last result and call hooks). */
export function expose(name: string, value: unknown): void {
  const w = window as unknown as Hooks;
  w.moeCusp ??= {};
  w.moeCusp[name] = value;
}

// The run's progress bar and line (index.html #progress, #progress-text), shared by the chunked
// scans of main.ts and the N-expert and training runs (extra-presets.ts): percent, the steps done of
// all, the rate and the ETA; body[data-done-steps] holds the steps done (tests, benchmarks).

import type { ProgressReport } from '../../src/core/scan.js';
import { formatDuration, formatSI } from '../../src/report/format.js';
import { ui } from './dom.js';

/** Others that show the progress too (the run bar that stays in view, run-dock.ts). */
export const progressListeners: ((fraction: number, text: string) => void)[] = [];

function tell(fraction: number, text: string): void {
  for (const f of progressListeners) f(fraction, text);
}

/** `unit`: what the steps count (router-steps, or model-steps of a training run). */
export function showProgress(p: ProgressReport, unit = 'router-steps'): void {
  ui.progress.value = p.fraction;
  const eta = Number.isFinite(p.etaSeconds) ? formatDuration(p.etaSeconds * 1000) : '…';
  ui.progressText.textContent =
    `${(100 * p.fraction).toFixed(1)} % · ${formatSI(p.routerSteps)} of ${formatSI(p.totalRouterSteps)} ${unit} · ` +
    `${formatSI(p.rate)} ${unit}/s · ETA ${eta}`;
  document.body.dataset.doneSteps = String(p.routerSteps);
  tell(p.fraction, ui.progressText.textContent);
}

/** A sentence in the progress line while a run prepares (the bar at 0). */
export function showStatus(message: string): void {
  ui.progress.value = 0;
  ui.progressText.textContent = message;
  tell(0, message);
}

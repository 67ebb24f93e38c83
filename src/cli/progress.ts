// A progress bar on stderr for runs that last longer than about a second: percent,
// router-steps per second and time left, fed by runScan's onProgress. Only on a terminal.

import cliProgress from 'cli-progress';
import type { ProgressReport } from '../core/scan.js';

export interface ProgressHandle {
  onProgress(p: ProgressReport): void;
  /** removes the bar (if one was shown); call before printing anything else */
  stop(): void;
}

/** Seconds as 12s, 3m05s, 1h02m. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** 15300000 -> '15.3 M'. */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [scale, unit] of units) {
    if (Math.abs(value) >= scale) return `${(value / scale).toPrecision(3)} ${unit}`;
  }
  return value.toPrecision(3);
}

export interface ProgressBarOptions {
  /** shown before the bar */
  label?: string;
  /** show the bar at all; default: stderr is a terminal */
  enabled?: boolean;
  /** the bar appears once a run has lasted this long, default 1000 ms */
  delayMs?: number;
}

export function progressBar(options: ProgressBarOptions = {}): ProgressHandle {
  const enabled = options.enabled ?? (process.stderr.isTTY === true || process.env.MOE_CUSP_STDERR_TTY === '1');
  const delayMs = options.delayMs ?? 1000;
  const label = options.label ? `${options.label} ` : '';
  let bar: cliProgress.SingleBar | null = null;
  const payload = (p: ProgressReport) => ({ rate: formatRate(p.rate), etaText: formatDuration(p.etaSeconds) });
  return {
    onProgress(p) {
      if (!enabled) return;
      if (!bar) {
        if (p.elapsedMs < delayMs || p.fraction >= 1) return;
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `${label}[{bar}] {percentage}% | {rate} router-steps/s | ETA {etaText}`,
            barsize: 30,
            hideCursor: true,
            clearOnComplete: true,
            fps: 10,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.totalRouterSteps, p.routerSteps, payload(p));
      } else {
        bar.update(p.routerSteps, payload(p));
      }
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

// What a run will cost before it starts: the router-steps (or model-steps) per second this
// visitor's adapter ran, remembered per engine and kind of run in localStorage (the probes of
// probe.ts, then the runs themselves, which replace them), turned into "about 40 s" beside
// the step count. A run estimated above CONFIRM_MS asks before it starts (confirm-run.ts).

import { formatSI } from '../../src/report/format.js';

/** What the steps of a run are: two-expert router-steps, N-expert router-steps, model-steps. */
export type RateFamily = 'router' | 'experts' | 'training';

export interface Rate {
  /** steps per second */
  rate: number;
  /** 'probe': a short timed run when the page opened; 'run': real runs on this browser */
  source: 'probe' | 'run';
  at: number;
}

const STORE = 'moe-cusp:rates:v1';

/** Runs estimated above this ask for confirmation. */
export const CONFIRM_MS = 3 * 60_000;

function load(): Record<string, Rate> {
  try {
    const v = JSON.parse(localStorage.getItem(STORE) ?? '{}') as unknown;
    return v !== null && typeof v === 'object' ? (v as Record<string, Rate>) : {};
  } catch {
    return {};
  }
}

function save(all: Record<string, Rate>): void {
  try {
    localStorage.setItem(STORE, JSON.stringify(all));
  } catch {
    // storage off (a private window, a policy): estimates last for this page only
  }
}

/** Rates of this page when storage is off. */
const memory: Record<string, Rate> = {};

const key = (adapter: string, family: RateFamily) => `${family}|${adapter}`;

/** The remembered rate of an engine (its adapter string) for a kind of run, or null. */
export function storedRate(adapter: string, family: RateFamily = 'router'): Rate | null {
  const k = key(adapter, family);
  const r = load()[k] ?? memory[k];
  return r && Number.isFinite(r.rate) && r.rate > 0 ? r : null;
}

/**
 * Remembers a measured rate: a run replaces a probe; a later run weighs 3/4 against the earlier
 * ones (a geometric mean, so one odd run moves it little and the last runs count most). Too
 * short a measurement (under 100 ms) is not kept.
 */
export function recordRate(adapter: string, family: RateFamily, steps: number, ms: number, source: Rate['source']): void {
  if (!(steps > 0) || !(ms >= 100)) return;
  const rate = (steps * 1000) / ms;
  const all = load();
  const k = key(adapter, family);
  const old = all[k] ?? memory[k];
  const next: Rate =
    old && old.source === 'run' && source === 'run'
      ? { rate: Math.exp(0.25 * Math.log(old.rate) + 0.75 * Math.log(rate)), source, at: Date.now() }
      : old && old.source === 'run' && source === 'probe'
        ? old
        : { rate, source, at: Date.now() };
  all[k] = next;
  memory[k] = next;
  save(all);
}

/** A duration as a person estimates one: "under a second", "about 40 s", "about 6 min". */
export function roughDuration(ms: number): string {
  if (ms < 1000) return 'under a second';
  const s = ms / 1000;
  if (s < 60) return `about ${s < 10 ? Math.round(s) : Math.round(s / 5) * 5} s`;
  const min = s / 60;
  if (min < 60) return `about ${Math.round(min)} min`;
  const h = min / 60;
  return `about ${h < 10 ? Number(h.toPrecision(2)) : Math.round(h)} h`;
}

/** The estimate of `steps` on an engine, or null when nothing was measured there. */
export function estimate(adapter: string, steps: number, family: RateFamily = 'router'): { ms: number; text: string; rate: Rate } | null {
  const rate = storedRate(adapter, family);
  if (!rate) return null;
  const ms = (steps / rate.rate) * 1000;
  const unit = family === 'training' ? 'model-steps' : 'router-steps';
  const how = rate.source === 'run' ? 'as the last runs here' : 'in a short probe';
  return { ms, rate, text: `${roughDuration(ms)} on this engine (${formatSI(rate.rate)} ${unit}/s ${how})` };
}

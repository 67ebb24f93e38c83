// `moe-cusp demo`: a short temperature scan through the pitchfork at T_c = a/(2 gamma) = 1.5.
// Below T_c the balanced state is unstable and |u_hat| grows; above it the router fluctuates
// around y = 0 with the variance of the linear noise approximation (MODEL.md sec. 4).

import { criticalTemperature } from '../analytics/theory/critical-points.js';
import { linearNoiseVariance } from '../analytics/theory/linear-noise.js';
import type { Engine } from '../core/engine.js';
import { completeCell, type ScanPlan } from '../core/model.js';
import { runScan, type Provenance, type ScanResult } from '../core/scan.js';
import { createEngine, type AdapterChoice, type EngineChoice } from '../node/index.js';
import { progressBar } from './progress.js';

export const DEMO_TEMPERATURES = [1.0, 1.2, 1.4, 1.5, 1.6, 1.8, 2.2] as const;
export const DEMO_PARAMETERS = { a: 3, gamma: 1, B: 512, eta: 0.002, h: 0, asym: 0.01 } as const;

export interface DemoOptions {
  engine?: EngineChoice | undefined;
  adapter?: AdapterChoice | undefined;
  seed: number;
  replicates: number;
  steps: number;
  /** tally window (last steps); default steps / 10 */
  window?: number | undefined;
  json?: boolean;
}

export const DEMO_DEFAULTS = { seed: 1, replicates: 512, steps: 20000 } as const;

export interface DemoRow {
  T: number;
  Tc: number;
  /** mean over replicates of the window mean of |u_hat| */
  meanAbsLoad: number;
  meanAbsLoadSE: number;
  /** variance of the final y across replicates */
  varY: number;
  /** linear-noise prediction of Var(y) (stationary); null at and below T_c */
  varYPredicted: number | null;
}

export interface DemoResult {
  parameters: typeof DEMO_PARAMETERS & { temperatures: number[]; replicates: number; steps: number; window: number; seed: number };
  provenance: Provenance;
  rows: DemoRow[];
}

export function demoPlan(options: Pick<DemoOptions, 'seed' | 'replicates' | 'steps' | 'window'>): ScanPlan {
  const { a, gamma, B, eta, h, asym } = DEMO_PARAMETERS;
  return {
    cells: DEMO_TEMPERATURES.map((T) => completeCell({ a, gamma, T, B, eta, h, asym })),
    replicates: options.replicates,
    steps: options.steps,
    window: options.window ?? Math.max(1, Math.round(options.steps / 10)),
    seed: options.seed,
  };
}

export async function runDemoOn(engine: Engine, options: DemoOptions): Promise<DemoResult> {
  const plan = demoPlan(options);
  const bar = progressBar({ label: 'demo' });
  let result: ScanResult;
  try {
    result = await runScan(engine, plan, { onProgress: bar.onProgress });
  } finally {
    bar.stop();
  }
  const { a, gamma, B, eta } = DEMO_PARAMETERS;
  const Tc = criticalTemperature({ a, gamma, T: 1 });
  const rows = result.perCell.map(
    (s): DemoRow => ({
      T: s.cell.T,
      Tc,
      meanAbsLoad: s.meanAbsLoad,
      meanAbsLoadSE: s.meanAbsLoadSE,
      varY: s.varFinalY,
      varYPredicted: s.cell.T > Tc ? linearNoiseVariance({ a, gamma, T: s.cell.T }, B, eta) : null,
    }),
  );
  return {
    parameters: {
      ...DEMO_PARAMETERS,
      temperatures: [...DEMO_TEMPERATURES],
      replicates: plan.replicates,
      steps: plan.steps,
      window: plan.window,
      seed: plan.seed,
    },
    provenance: result.provenance,
    rows,
  };
}

export function provenanceLine(info: { engine: string; adapter: string; backend: string }): string {
  return `engine: ${info.engine} | adapter: ${info.adapter} | backend: ${info.backend}`;
}

function table(header: string[], rows: string[][], rightAlign: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAlign[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function formatSE(se: number): string {
  if (!Number.isFinite(se)) return '-';
  return se >= 1e-3 || se === 0 ? se.toFixed(4) : se.toExponential(1);
}

export function formatDemo(result: DemoResult): string {
  const p = result.parameters;
  const v = result.provenance;
  const header = ['T', 'T_c', 'mean |u_hat| +- SE', 'Var(y)', 'Var(y) LNA'];
  const rows = result.rows.map((r) => [
    r.T.toFixed(2),
    r.Tc.toFixed(2),
    `${r.meanAbsLoad.toFixed(4)} +- ${formatSE(r.meanAbsLoadSE)}`,
    r.varY.toExponential(3),
    r.varYPredicted === null ? '-' : r.varYPredicted.toExponential(3),
  ]);
  return [
    `a=${p.a} gamma=${p.gamma} B=${p.B} eta=${p.eta} h=${p.h} asym=${p.asym}; ${p.replicates} replicates x ${p.steps} steps, ` +
      `window = last ${p.window} steps; seed ${p.seed}`,
    '',
    table(header, rows, [true, true, true, true, true]),
    '',
    `Var(y) is across replicates at the last step; LNA = eta a^2 / (B (-2 lambda - eta lambda^2)), lambda = a/(2T) - gamma,`,
    `the stationary prediction for T > T_c (relaxation time 1/|lambda| grows near T_c, so short runs fall below it there).`,
    `${v.routerSteps.toExponential(3)} router-steps in ${(v.elapsedMs / 1000).toFixed(2)} s: ` +
      `${(v.routerStepsPerSecond / 1e6).toFixed(2)} M router-steps/s, ${((v.routerStepsPerSecond * p.B) / 1e9).toFixed(2)} G tokens/s`,
  ].join('\n');
}

/** Runs the demo and prints the table (or JSON) to stdout. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const engine = await createEngine({ engine: options.engine, adapter: options.adapter });
  try {
    if (!options.json) process.stdout.write(provenanceLine(engine.info) + '\n');
    const result = await runDemoOn(engine, options);
    if (options.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else process.stdout.write(formatDemo(result) + '\n');
    return result;
  } finally {
    await engine.dispose();
  }
}

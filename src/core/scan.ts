// One scan from plan to numbers: open a session on an engine, initialize, run all steps
// (tallying the last `window`), read back, and reduce to window means per router and
// summaries per cell. Everything here runs in the browser as well as under Node.

import type { Engine, EngineInfo } from './engine.js';
import { routerCount, validatePlan, type ScanPlan } from './model.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.generated.js';
import { summarizeCells, windowMeans, type CellSummary, type RouterMeans } from './reductions.js';

export interface Provenance {
  package: string;
  version: string;
  engine: EngineInfo['engine'];
  adapter: string;
  backend: string;
  /** the binomial sampler of a router run; 'sgd' for a training run (routers: models, routerSteps: model-steps) */
  sampler: 'btrs-inversion' | 'tokens' | 'sgd';
  seed: number;
  startedAt: string;
  elapsedMs: number;
  routers: number;
  routerSteps: number;
  routerStepsPerSecond: number;
}

export interface ScanResult {
  plan: ScanPlan;
  perRouter: RouterMeans;
  perCell: CellSummary[];
  provenance: Provenance;
}

export interface ProgressReport {
  fraction: number;
  routerSteps: number;
  totalRouterSteps: number;
  elapsedMs: number;
  /** router-steps per second so far */
  rate: number;
  /** seconds left at the current rate */
  etaSeconds: number;
}

export type ProgressListener = (p: ProgressReport) => void;

export function progressReport(routerSteps: number, totalRouterSteps: number, elapsedMs: number): ProgressReport {
  const rate = elapsedMs > 0 ? (routerSteps * 1000) / elapsedMs : 0;
  return {
    fraction: totalRouterSteps > 0 ? routerSteps / totalRouterSteps : 1,
    routerSteps,
    totalRouterSteps,
    elapsedMs,
    rate,
    etaSeconds: rate > 0 ? (totalRouterSteps - routerSteps) / rate : Infinity,
  };
}

export interface RunOptions {
  onProgress?: ProgressListener | undefined;
}

export async function runScan(engine: Engine, plan: ScanPlan, options: RunOptions = {}): Promise<ScanResult> {
  validatePlan(plan, engine.maxRouters);
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const routers = routerCount(plan);
  const total = routers * plan.steps;
  const session = await engine.open(plan);
  try {
    await session.initialize();
    await session.advance({ stepBegin: 0, stepEnd: plan.steps, windowBegin: plan.steps - plan.window }, (done) =>
      options.onProgress?.(progressReport(done, total, performance.now() - t0)),
    );
    const readout = await session.read();
    const elapsedMs = performance.now() - t0;
    const perRouter = windowMeans(readout, plan);
    return {
      plan,
      perRouter,
      perCell: summarizeCells(perRouter, plan),
      provenance: {
        package: PACKAGE_NAME,
        version: PACKAGE_VERSION,
        engine: engine.info.engine,
        adapter: engine.info.adapter,
        backend: engine.info.backend,
        sampler: plan.tokenMode ? 'tokens' : 'btrs-inversion',
        seed: plan.seed,
        startedAt,
        elapsedMs,
        routers,
        routerSteps: total,
        routerStepsPerSecond: (total * 1000) / elapsedMs,
      },
    };
  } finally {
    session.close();
  }
}

/** What a run's steps count: model-steps (SGD steps of one model) for training runs, router-steps otherwise. */
export function stepsNoun(provenance: readonly Pick<Provenance, 'sampler'>[]): 'model-steps' | 'router-steps' {
  return provenance.length > 0 && provenance.every((p) => p.sampler === 'sgd') ? 'model-steps' : 'router-steps';
}

// One scan from plan to numbers: open a session on an engine, initialize, run all steps
// (tallying the last `window`), read back, and reduce to window means per router and
// summaries per cell. Everything here runs in the browser as well as under Node.

import type { Engine, EngineInfo, RouterReadout } from './engine.js';
import { routerCount, validatePlan, type RouterCell, type ScanPlan } from './model.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.generated.js';

/** Window means per router: u_hat = (2 N1 - B) / B averaged over the window. */
export interface RouterMeans {
  /** mean u_hat */ meanLoad: Float64Array;
  /** mean |u_hat| */ meanAbsLoad: Float64Array;
  /** mean u_hat^2 */ meanSqLoad: Float64Array;
  /** y after the last step */ finalY: Float64Array;
}

/** Statistics of one cell over its replicates. */
export interface CellSummary {
  cell: RouterCell;
  /** mean over replicates of the window mean of u_hat */ meanLoad: number;
  /** mean over replicates of the window mean of |u_hat| */ meanAbsLoad: number;
  /** standard error of meanAbsLoad across replicates */ meanAbsLoadSE: number;
  /** mean over replicates of the window mean of u_hat^2 */ meanSqLoad: number;
  /** |window-mean u_hat| averaged over replicates: the paper's final |u_hat| */ absMeanLoad: number;
  meanFinalY: number;
  /** variance of the final y across replicates (unbiased) */ varFinalY: number;
}

export interface Provenance {
  package: string;
  version: string;
  engine: EngineInfo['engine'];
  adapter: string;
  backend: string;
  sampler: 'btrs-inversion' | 'tokens';
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
    routerSteps, totalRouterSteps, elapsedMs, rate,
    etaSeconds: rate > 0 ? (totalRouterSteps - routerSteps) / rate : Infinity,
  };
}

export function windowMeans(readout: RouterReadout, plan: ScanPlan): RouterMeans {
  const n = readout.y.length;
  const meanLoad = new Float64Array(n);
  const meanAbsLoad = new Float64Array(n);
  const meanSqLoad = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const B = plan.cells[Math.floor(i / plan.replicates)].B;
    const bw = B * plan.window;
    meanLoad[i] = (2 * readout.sumN1[i] - bw) / bw;
    meanAbsLoad[i] = readout.sumAbs[i] / bw;
    meanSqLoad[i] = readout.sumSq[i] / (B * bw);
  }
  return { meanLoad, meanAbsLoad, meanSqLoad, finalY: readout.y };
}

export function summarizeCells(means: RouterMeans, plan: ScanPlan): CellSummary[] {
  const R = plan.replicates;
  return plan.cells.map((cell, c) => {
    let load = 0, abs = 0, abs2 = 0, sq = 0, absMean = 0, y = 0, y2 = 0;
    for (let i = c * R; i < (c + 1) * R; i++) {
      load += means.meanLoad[i];
      abs += means.meanAbsLoad[i];
      abs2 += means.meanAbsLoad[i] ** 2;
      sq += means.meanSqLoad[i];
      absMean += Math.abs(means.meanLoad[i]);
      y += means.finalY[i];
    }
    const meanY = y / R;
    for (let i = c * R; i < (c + 1) * R; i++) y2 += (means.finalY[i] - meanY) ** 2;
    const meanAbs = abs / R;
    const varAbs = R > 1 ? Math.max(0, (abs2 - R * meanAbs * meanAbs) / (R - 1)) : NaN;
    return {
      cell, meanLoad: load / R, meanAbsLoad: meanAbs, meanAbsLoadSE: Math.sqrt(varAbs / R), meanSqLoad: sq / R,
      absMeanLoad: absMean / R, meanFinalY: meanY, varFinalY: R > 1 ? y2 / (R - 1) : NaN,
    };
  });
}

export interface RunOptions {
  onProgress?: ProgressListener;
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
    await session.advance({ stepBegin: 0, stepEnd: plan.steps, windowBegin: plan.steps - plan.window },
      (done) => options.onProgress?.(progressReport(done, total, performance.now() - t0)));
    const readout = await session.read();
    const elapsedMs = performance.now() - t0;
    const perRouter = windowMeans(readout, plan);
    return {
      plan,
      perRouter,
      perCell: summarizeCells(perRouter, plan),
      provenance: {
        package: PACKAGE_NAME, version: PACKAGE_VERSION,
        engine: engine.info.engine, adapter: engine.info.adapter, backend: engine.info.backend,
        sampler: plan.tokenMode ? 'tokens' : 'btrs-inversion', seed: plan.seed, startedAt, elapsedMs,
        routers, routerSteps: total, routerStepsPerSecond: (total * 1000) / elapsedMs,
      },
    };
  } finally {
    session.close();
  }
}

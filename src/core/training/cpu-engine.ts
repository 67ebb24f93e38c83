// The CPU training engine: the f64 twins (smooth.ts, hard.ts, digits.ts) with SGD (sgd.ts) on
// the same streams as the kernels, one model after another. It is the reference the WebGPU
// engine is tested against, and the engine of `--engine cpu`. Browser-safe.

import type { RngStream } from '../threefry.js';
import { digitsModel } from './digits.js';
import {
  checkStepRange,
  checkTrainingPlan,
  EVALUATION_FIELDS,
  newEvaluation,
  type TrainingArch,
  type TrainingCell,
  type TrainingData,
  type TrainingEngine,
  type TrainingEvaluation,
  type TrainingPlan,
  type TrainingSession,
} from './engine.js';
import { hardModel } from './hard.js';
import { trainSteps } from './sgd.js';
import { smoothModel } from './smooth.js';
import { initParams, trainingStream } from './streams.js';
import type { TrainingModel } from './types.js';

/** The f64 twin of one cell's model. */
export function twinModel(arch: TrainingArch, cell: TrainingCell): TrainingModel<TrainingData> {
  const { h, T, lambdaLb, routerL2 } = cell;
  switch (arch.kind) {
    case 'smooth':
      return smoothModel({ h, T, routerL2, initScale: arch.initScale }) as TrainingModel<TrainingData>;
    case 'hard':
      return hardModel({ h, T, lambdaLb, routerBias: arch.routerBias, initScale: arch.initScale }) as TrainingModel<TrainingData>;
    case 'digits':
      return digitsModel({ h, T, lambdaLb, hidden: arch.hidden, experts: arch.experts }) as TrainingModel<TrainingData>;
  }
}

export class CpuTrainingEngine implements TrainingEngine {
  readonly info = { engine: 'cpu' as const, adapter: 'CPU (f64 twin)', backend: 'javascript' };

  async open(plan: TrainingPlan): Promise<TrainingSession> {
    checkTrainingPlan(plan);
    return new CpuTrainingSession(plan, 0, plan.cells.length * plan.replicates);
  }

  /** A session over models [begin, end) of the plan only (a worker's share; results as for those models of the whole plan). */
  openRange(plan: TrainingPlan, begin: number, end: number): TrainingSession {
    checkTrainingPlan(plan);
    const models = plan.cells.length * plan.replicates;
    if (!(Number.isInteger(begin) && Number.isInteger(end) && begin >= 0 && begin <= end && end <= models))
      throw new RangeError(`models [${begin}, ${end}) outside the plan's ${models}`);
    return new CpuTrainingSession(plan, begin, end);
  }
}

class CpuTrainingSession implements TrainingSession {
  readonly models: number;
  readonly size: number;
  private twins: TrainingModel<TrainingData>[];
  private cells: readonly TrainingCell[];
  private readonly params: Float64Array;
  private readonly rng: RngStream;
  private readonly first: number;

  /** models [begin, end) of the plan; session model k is plan model begin + k */
  constructor(
    private readonly plan: TrainingPlan,
    private readonly begin: number,
    end: number,
  ) {
    this.cells = plan.cells;
    this.twins = plan.cells.map((c) => twinModel(plan.arch, c));
    this.models = end - begin;
    this.size = this.twins[0].size;
    this.params = new Float64Array(this.models * this.size);
    this.rng = trainingStream(plan.seed);
    this.first = (plan.firstModel ?? 0) + begin;
  }

  private cellOf(k: number): number {
    return Math.floor((this.begin + k) / this.plan.replicates);
  }

  private view(m: number): Float64Array {
    return this.params.subarray(m * this.size, (m + 1) * this.size);
  }

  async initialize(): Promise<void> {
    for (let m = 0; m < this.models; m++) {
      initParams(this.rng, this.first + m, this.twins[this.cellOf(m)].initScale, this.view(m));
    }
  }

  async setCells(cells: readonly TrainingCell[]): Promise<void> {
    if (cells.length !== this.plan.cells.length) throw new RangeError(`setCells: ${cells.length} cells, the session has ${this.plan.cells.length}`);
    this.cells = cells;
    this.twins = cells.map((c) => twinModel(this.plan.arch, c));
  }

  async train(from: number, to: number, onModelSteps?: (done: number) => void): Promise<void> {
    checkStepRange(from, to);
    if (to === from) return;
    const { seed, arch, train } = this.plan;
    for (let m = 0; m < this.models; m++) {
      const c = this.cellOf(m);
      trainSteps(this.twins[c], this.view(m), train, { seed, model: this.first + m, from, to, lr: this.cells[c].lr, batch: arch.batch }, this.rng);
      onModelSteps?.((m + 1) * (to - from));
    }
  }

  async evaluate(set: number): Promise<TrainingEvaluation> {
    const data = this.plan.evaluation[set];
    if (!data) throw new RangeError(`evaluate: no evaluation set ${set}`);
    const out = newEvaluation(this.models);
    for (let m = 0; m < this.models; m++) {
      const o = this.twins[this.cellOf(m)].evaluate(this.view(m), data);
      for (const k of EVALUATION_FIELDS) out[k][m] = o[k];
    }
    return out;
  }

  async readParams(): Promise<Float64Array> {
    return Float64Array.from(this.params);
  }

  async restore(params: Float64Array): Promise<void> {
    if (params.length !== this.params.length) throw new RangeError(`restore: ${params.length} values, the session ${this.params.length}`);
    this.params.set(params);
  }

  close(): void {}
}

// The N-expert CPU engine: the f64 twin (experts-router.ts) in the calling thread, with the
// advance cut into chunks of about 250 ms so progress can be reported and the event loop
// breathes. No Node-only imports (a browser worker can run it too).

import {
  checkExpertReadout,
  newExpertReadout,
  validateExpertCell,
  validateExpertPlan,
  type ExpertCell,
  type ExpertEngine,
  type ExpertPlan,
  type ExpertReadout,
  type ExpertSession,
  type ExpertStepRange,
} from './experts.js';
import { advanceExperts, initializeExperts, resetExpertTallies, type ExpertBlock } from './experts-router.js';

/** The most routers of N experts one f64 twin session holds: r, beta and counts (N values) and 4 tallies per router. */
export const cpuExpertMaxRouters = (N: number): number => Math.floor(2 ** 27 / (3 * N + 4));

export class CpuExpertEngine implements ExpertEngine {
  readonly info = { engine: 'cpu' as const, adapter: 'cpu x 1 thread (f64 twin)', backend: 'in-process' };

  constructor(readonly options: { maxRouters?: number; stepsPerChunk?: number } = {}) {}

  maxRoutersAt(N: number): number {
    return this.options.maxRouters ?? cpuExpertMaxRouters(N);
  }

  async open(plan: ExpertPlan): Promise<ExpertSession> {
    validateExpertPlan(plan, this.maxRoutersAt(plan.N));
    return new CpuExpertSession(plan, this.options.stepsPerChunk);
  }
}

class CpuExpertSession implements ExpertSession {
  readonly routers: number;
  readonly N: number;
  private cells: ExpertCell[];
  private readonly block: ExpertBlock;
  private msPerRouterStep = 0;

  constructor(
    private readonly plan: ExpertPlan,
    private readonly stepsPerChunk: number | undefined,
  ) {
    this.N = plan.N;
    this.routers = plan.cells.length * plan.replicates;
    this.cells = plan.cells;
    this.block = { offset: 0, count: this.routers, N: plan.N, data: newExpertReadout(this.routers, plan.N) };
  }

  async initialize(): Promise<void> {
    initializeExperts(this.block, this.cells, this.plan.replicates, this.plan.seed, this.plan.firstRouter ?? 0);
  }

  async setCells(cells: readonly ExpertCell[]): Promise<void> {
    if (cells.length !== this.plan.cells.length) throw new Error(`setCells: expected ${this.plan.cells.length} cells, got ${cells.length}`);
    cells.forEach((c, i) => validateExpertCell(c, this.N, `cells[${i}]`));
    this.cells = [...cells];
  }

  async resetTallies(): Promise<void> {
    resetExpertTallies(this.block);
  }

  async advance(range: ExpertStepRange, onRouterSteps?: (done: number) => void): Promise<void> {
    let done = 0;
    for (let step = range.stepBegin; step < range.stepEnd; ) {
      const adaptive = this.msPerRouterStep > 0 ? Math.floor(250 / this.msPerRouterStep / this.routers) : 1;
      const steps = Math.min(this.stepsPerChunk ?? Math.max(1, adaptive), range.stepEnd - step);
      const started = performance.now();
      advanceExperts(
        this.block,
        this.cells,
        this.plan.replicates,
        this.plan.seed,
        { ...range, stepBegin: step, stepEnd: step + steps },
        this.plan.firstRouter ?? 0,
      );
      this.msPerRouterStep = (performance.now() - started) / (steps * this.routers);
      done += steps * this.routers;
      onRouterSteps?.(done);
      step += steps;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  async read(): Promise<ExpertReadout> {
    return structuredClone(this.block.data);
  }

  async restore(readout: ExpertReadout): Promise<void> {
    checkExpertReadout(readout, this.routers, this.N);
    const d = this.block.data;
    for (const key of Object.keys(d) as (keyof ExpertReadout)[]) d[key].set(readout[key]);
  }

  close(): void {}
}

// The training rows of the throughput benchmark (bench/throughput.ts runs them after the router
// rows): model-steps/s, sample-gradients/s (model-steps x B) and models trained per second of
// each trainable model kind (MODEL.md section 6), on the WebGPU training kernels
// (shaders/train_*.wgsl) and on the f64 CPU twin (CpuTrainingEngine, one thread; and on worker
// threads, WorkerTrainingEngine, what runs digits on a software GPU), side by side in one run,
// and the ratio of WebGPU to the one-thread twin. "Models trained per second" counts trainings of a preset's
// length: 5000 SGD steps for the regression models (fig3), 3000 for digits (fig5).
// Settings: B = 32, T = 1, h = 1, lambda_lb = 1 (every term of the backward pass runs), lr of
// the presets; the regression sets of 1024 rows, the digits training split (1352 rows).
// Timings are end to end: open (uploads), initialize, train, and reading the parameters back.

import { measureTimed, type TimingBand } from '../src/cli/bench.js';
import { formatRate, type ProgressHandle } from '../src/cli/progress.js';
import { progressReport } from '../src/core/scan.js';
import { CpuTrainingEngine } from '../src/core/training/cpu-engine.js';
import type { TrainingEngine, TrainingKind, TrainingPlan } from '../src/core/training/engine.js';
import { digitsSplit, selectRows } from '../src/core/training/digits-data.js';
import { regressionData } from '../src/core/training/streams.js';
import type { ClassData, RegressionData } from '../src/core/training/types.js';
import { loadDigits } from '../src/node/digits.js';
import { createEngine, type AdapterChoice } from '../src/node/index.js';
import { WebGpuTrainingEngine } from '../src/core/training/webgpu-engine.js';
import { WebGpuEngine } from '../src/core/webgpu-engine.js';
import { NODE_DISPATCH_MS } from '../src/node/engines.js';
import { WorkerTrainingEngine } from '../src/node/training-workers.js';

export const TRAINING_KINDS_BENCH: readonly TrainingKind[] = ['smooth', 'hard', 'digits'];
export const TRAINING_BATCH = 32;
/** SGD steps of one training, for "models trained per second" (fig3 and fig5's lengths). */
export const TRAINING_LENGTH: Record<TrainingKind, number> = { smooth: 5000, hard: 5000, digits: 3000 };
const LR: Record<TrainingKind, number> = { smooth: 0.3, hard: 0.1, digits: 0.2 };

type TrainingBenchEngine = 'webgpu' | 'cpu' | 'cpu-threads';

export interface TrainingBenchRow {
  engine: TrainingBenchEngine;
  adapter: string;
  kind: TrainingKind;
  models: number;
  steps: number;
  seconds: number;
  modelStepsPerSecond: number;
  sampleGradientsPerSecond: number;
  modelsPerSecond: number;
  /** modelStepsPerSecond / the CPU twin's for the same kind; null without a CPU row */
  ratioVsCpu: number | null;
}

export interface TrainingBenchReport {
  batch: number;
  rows: TrainingBenchRow[];
  skipped: { engine: TrainingBenchEngine; reason: string }[];
}

interface Sizing extends TimingBand {
  models: (engine: TrainingBenchEngine, kind: TrainingKind) => number;
}

const FULL: Sizing = {
  models: (engine, kind) => (engine === 'webgpu' ? (kind === 'digits' ? 4096 : 65536) : (kind === 'digits' ? 4 : 64) * (engine === 'cpu' ? 1 : 4)),
  warmupSeconds: 0.5,
  targetSeconds: 3,
  minSeconds: 2,
  maxSeconds: 4,
};
const QUICK: Sizing = {
  models: (engine, kind) => (engine === 'webgpu' ? (kind === 'digits' ? 256 : 4096) : (kind === 'digits' ? 2 : 16) * (engine === 'cpu' ? 1 : 2)),
  warmupSeconds: 0.05,
  targetSeconds: 0.2,
  minSeconds: 0.1,
  maxSeconds: 0.4,
};

interface Data {
  regression: { train: RegressionData; test: RegressionData };
  digits: { train: ClassData; test: ClassData };
}

function loadData(): Data {
  const all = loadDigits();
  const split = digitsSplit(all);
  return {
    regression: { train: regressionData(1, 1024, 0), test: regressionData(1, 256, 1) },
    digits: { train: selectRows(all, split.train), test: selectRows(all, split.test) },
  };
}

function plan(kind: TrainingKind, models: number, data: Data): TrainingPlan {
  const d = kind === 'digits' ? data.digits : data.regression;
  return {
    arch: { kind, hidden: 4, experts: 2, routerBias: false, initScale: 0.5, batch: TRAINING_BATCH },
    cells: [{ h: 1, T: 1, lambdaLb: kind === 'smooth' ? 0 : 1, routerL2: 1e-3, lr: LR[kind] }],
    replicates: models,
    seed: 1,
    train: d.train,
    evaluation: [d.test],
  };
}

function runner(engine: TrainingEngine, kind: TrainingKind, models: number, data: Data) {
  return async (steps: number, progress?: ProgressHandle) => {
    const t0 = performance.now();
    const session = await engine.open(plan(kind, models, data));
    try {
      await session.initialize();
      await session.train(0, steps, (done) => progress?.onProgress(progressReport(done, models * steps, performance.now() - t0)));
      const params = await session.readParams();
      if (!params.every(Number.isFinite)) throw new Error(`${kind}: training diverged in the benchmark`);
      return { seconds: (performance.now() - t0) / 1000 };
    } finally {
      session.close();
    }
  };
}

export interface TrainingBenchOptions {
  quick?: boolean;
  engines?: readonly TrainingBenchEngine[];
  adapter?: AdapterChoice | undefined;
  strict?: boolean;
  log?: (line: string) => void;
  progress?: (label: string) => ProgressHandle;
}

export async function runTrainingBenchmark(options: TrainingBenchOptions = {}): Promise<TrainingBenchReport> {
  const sizing = options.quick ? QUICK : FULL;
  const engines = options.engines ?? (['webgpu', 'cpu'] as const);
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const data = loadData();
  const rows: TrainingBenchRow[] = [];
  const skipped: TrainingBenchReport['skipped'] = [];
  const measure = async (name: TrainingBenchEngine, adapter: string, engine: TrainingEngine) => {
    for (const kind of TRAINING_KINDS_BENCH) {
      const models = sizing.models(name, kind);
      const m = await measureTimed(models, sizing, runner(engine, kind, models, data), `${name} ${kind}`, options.progress, 2);
      const rate = m.routerStepsPerSecond;
      rows.push({
        engine: name,
        adapter,
        kind,
        models,
        steps: m.steps,
        seconds: m.seconds,
        modelStepsPerSecond: rate,
        sampleGradientsPerSecond: rate * TRAINING_BATCH,
        modelsPerSecond: rate / TRAINING_LENGTH[kind],
        ratioVsCpu: null,
      });
      log(`bench: training ${name} ${kind}: ${formatRate(rate)} model-steps/s (${models} models x ${m.steps} steps in ${m.seconds.toFixed(2)} s)`);
    }
  };
  if (engines.includes('webgpu')) {
    let engine: Awaited<ReturnType<typeof createEngine>> | undefined;
    try {
      engine = await createEngine({ engine: 'webgpu', adapter: options.adapter, notice: log });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (options.strict) throw new Error(`webgpu: ${reason}`);
      skipped.push({ engine: 'webgpu', reason });
      log(`bench: skipping training webgpu: ${reason}`);
    }
    if (engine) {
      try {
        if (!(engine instanceof WebGpuEngine)) throw new Error('createEngine gave no WebGPU engine');
        const info = { engine: 'webgpu' as const, adapter: engine.info.adapter, backend: engine.info.backend };
        await measure('webgpu', engine.info.adapter, new WebGpuTrainingEngine(engine.device, info, { targetDispatchMs: NODE_DISPATCH_MS }));
      } finally {
        await engine.dispose();
      }
    }
  }
  if (engines.includes('cpu')) {
    await measure('cpu', 'f64 twin, one thread', new CpuTrainingEngine());
    const workers = new WorkerTrainingEngine();
    if (workers.threads > 1) await measure('cpu-threads', workers.info.adapter, workers);
  }
  for (const row of rows) {
    const peer = rows.find((r) => r.engine === 'cpu' && r.kind === row.kind);
    row.ratioVsCpu = peer ? row.modelStepsPerSecond / peer.modelStepsPerSecond : null;
  }
  return { batch: TRAINING_BATCH, rows, skipped };
}

/** One line per model kind: each engine's rates side by side, and the ratio. */
export function formatTrainingReport(report: TrainingBenchReport): string {
  const lines = [
    `Training kernels (shaders/train_*.wgsl) vs the f64 CPU twin, B=${report.batch}; models/s: trainings of ` +
      `${TRAINING_LENGTH.smooth} steps (regression) or ${TRAINING_LENGTH.digits} (digits); end to end`,
    '',
  ];
  const cell = (engine: TrainingBenchEngine, kind: TrainingKind) => report.rows.find((r) => r.engine === engine && r.kind === kind);
  const header = [
    'model',
    'webgpu model-steps/s',
    'sample-grads/s',
    'models/s',
    'cpu model-steps/s',
    'sample-grads/s',
    'models/s',
    'cpu threads model-steps/s',
    'webgpu/cpu',
  ];
  const kinds = TRAINING_KINDS_BENCH.filter((k) => cell('webgpu', k) || cell('cpu', k));
  const rows = kinds.map((kind) => {
    const g = cell('webgpu', kind);
    const c = cell('cpu', kind);
    const t = cell('cpu-threads', kind);
    const dash = (row: TrainingBenchRow | undefined, f: (r: TrainingBenchRow) => string) => (row ? f(row) : '-');
    return [
      kind === 'digits' ? 'digits 64-4-10 x2' : kind,
      dash(g, (r) => formatRate(r.modelStepsPerSecond)),
      dash(g, (r) => formatRate(r.sampleGradientsPerSecond)),
      dash(g, (r) => formatRate(r.modelsPerSecond)),
      dash(c, (r) => formatRate(r.modelStepsPerSecond)),
      dash(c, (r) => formatRate(r.sampleGradientsPerSecond)),
      dash(c, (r) => formatRate(r.modelsPerSecond)),
      dash(t, (r) => formatRate(r.modelStepsPerSecond)),
      g?.ratioVsCpu != null ? `${g.ratioVsCpu.toFixed(1)}x` : '-',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  lines.push(
    rows.length > 0 ? [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') : '(no training measurements)',
  );
  for (const s of report.skipped) lines.push(`skipped training ${s.engine}: ${s.reason}`);
  return lines.join('\n');
}

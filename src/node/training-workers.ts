// The CPU training engine on worker threads: the plan's models cut into one contiguous range per
// thread, each trained by the f64 twin (CpuTrainingEngine.openRange) in its own worker, so the
// numbers are those of the one-thread twin, bit for bit, at about `threads` times its speed.
// trainingEngineFor (training.ts) picks it for digits models when the WebGPU adapter is a
// software one (llvmpipe, SwiftShader), where the digits kernel runs below the twin's speed.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  checkTrainingPlan,
  EVALUATION_FIELDS,
  newEvaluation,
  type TrainingCell,
  type TrainingEngine,
  type TrainingEvaluation,
  type TrainingPlan,
  type TrainingSession,
} from '../core/training/engine.js';
import { twinModel } from '../core/training/cpu-engine.js';
import type { TrainingWorkerReply, TrainingWorkerRequest } from './training-worker.js';

type Body = TrainingWorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

class TrainingWorker {
  private readonly worker = new Worker(new URL('./training-worker.js', import.meta.url));
  private next = 0;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; progress?: (n: number) => void }>();

  constructor() {
    this.worker.on('message', (msg: TrainingWorkerReply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      if ('progress' in msg) p.progress?.(msg.progress);
      else {
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.value);
        else p.reject(new Error(`training worker: ${msg.error}`));
      }
    });
    this.worker.on('error', (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
  }

  call<T>(body: Body, progress?: (n: number) => void): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...(progress && { progress }) });
      this.worker.postMessage({ id, ...body });
    });
  }

  terminate(): void {
    void this.worker.terminate();
  }
}

export class WorkerTrainingEngine implements TrainingEngine {
  readonly info: { engine: 'cpu'; adapter: string; backend: string };
  readonly threads: number;

  constructor(threads = availableParallelism()) {
    this.threads = Math.max(1, threads);
    this.info = { engine: 'cpu', adapter: `CPU (f64 twin) x ${this.threads} threads`, backend: 'worker_threads' };
  }

  async open(plan: TrainingPlan): Promise<TrainingSession> {
    checkTrainingPlan(plan);
    const models = plan.cells.length * plan.replicates;
    const n = Math.min(this.threads, models);
    const bounds = Array.from({ length: n + 1 }, (_, i) => Math.round((models * i) / n));
    const workers = Array.from({ length: n }, () => new TrainingWorker());
    try {
      await Promise.all(workers.map((w, i) => w.call({ op: 'open', plan, begin: bounds[i], end: bounds[i + 1] })));
    } catch (err) {
      for (const w of workers) w.terminate();
      throw err;
    }
    return new WorkerTrainingSession(workers, bounds, models, twinModel(plan.arch, plan.cells[0]).size, this.info);
  }
}

class WorkerTrainingSession implements TrainingSession {
  constructor(
    private readonly workers: TrainingWorker[],
    private readonly bounds: number[],
    readonly models: number,
    readonly size: number,
    readonly info: TrainingEngine['info'],
  ) {}

  private all<T>(body: (i: number) => Body, progress?: (i: number, n: number) => void): Promise<T[]> {
    return Promise.all(this.workers.map((w, i) => w.call<T>(body(i), progress && ((n) => progress(i, n)))));
  }

  async initialize(): Promise<void> {
    await this.all(() => ({ op: 'initialize' }));
  }

  async setCells(cells: readonly TrainingCell[]): Promise<void> {
    await this.all(() => ({ op: 'cells', cells: [...cells] }));
  }

  async train(from: number, to: number, onModelSteps?: (done: number) => void): Promise<void> {
    const done = this.workers.map(() => 0);
    const report = (i: number, n: number) => {
      done[i] = n;
      onModelSteps?.(done.reduce((s, x) => s + x, 0));
    };
    await this.all(() => ({ op: 'train', from, to }), report);
    onModelSteps?.((to - from) * this.models);
  }

  async evaluate(set: number): Promise<TrainingEvaluation> {
    const parts = await this.all<TrainingEvaluation>(() => ({ op: 'evaluate', set }));
    const out = newEvaluation(this.models);
    parts.forEach((p, i) => {
      for (const k of EVALUATION_FIELDS) out[k].set(p[k], this.bounds[i]);
    });
    return out;
  }

  async readParams(): Promise<Float64Array> {
    const parts = await this.all<Float64Array>(() => ({ op: 'read' }));
    const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  async restore(params: Float64Array): Promise<void> {
    const per = params.length / this.models;
    if (!Number.isInteger(per)) throw new RangeError(`restore: ${params.length} values for ${this.models} models`);
    await this.all((i) => ({ op: 'restore', params: params.slice(this.bounds[i] * per, this.bounds[i + 1] * per) }));
  }

  close(): void {
    for (const w of this.workers) w.terminate();
  }
}

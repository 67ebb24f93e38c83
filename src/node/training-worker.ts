// One worker of the multi-threaded CPU training engine (training-workers.ts): holds the f64
// twin's session over a contiguous range of the plan's models and answers the session calls.
import { parentPort } from 'node:worker_threads';
import { CpuTrainingEngine } from '../core/training/cpu-engine.js';
import type { TrainingCell, TrainingPlan, TrainingSession } from '../core/training/engine.js';

export type TrainingWorkerRequest = { id: number } & (
  | { op: 'open'; plan: TrainingPlan; begin: number; end: number }
  | { op: 'initialize' }
  | { op: 'cells'; cells: TrainingCell[] }
  | { op: 'train'; from: number; to: number }
  | { op: 'evaluate'; set: number }
  | { op: 'read' }
  | { op: 'restore'; params: Float64Array }
);

export type TrainingWorkerReply = { id: number } & ({ ok: true; value?: unknown } | { ok: false; error: string } | { progress: number });

let session: TrainingSession | null = null;
const engine = new CpuTrainingEngine();
const port = parentPort!;

port.on('message', async (msg: TrainingWorkerRequest) => {
  try {
    let value: unknown;
    if (msg.op === 'open') session = engine.openRange(msg.plan, msg.begin, msg.end);
    else if (!session) throw new Error('no session');
    else if (msg.op === 'initialize') await session.initialize();
    else if (msg.op === 'cells') await session.setCells(msg.cells);
    else if (msg.op === 'train') {
      let last = performance.now();
      await session.train(msg.from, msg.to, (done) => {
        const now = performance.now();
        if (now - last > 200) {
          last = now;
          port.postMessage({ id: msg.id, progress: done } satisfies TrainingWorkerReply);
        }
      });
    } else if (msg.op === 'evaluate') value = await session.evaluate(msg.set);
    else if (msg.op === 'read') value = await session.readParams();
    else await session.restore(msg.params);
    port.postMessage({ id: msg.id, ok: true, value } satisfies TrainingWorkerReply);
  } catch (err) {
    port.postMessage({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies TrainingWorkerReply);
  }
});

// One worker of the CPU engine: owns a block of routers whose state lives in shared memory.
import { parentPort } from 'node:worker_threads';
import { advanceBlock, allocateBlock, initializeBlock, resetBlockTallies, type AdvanceRange, type RouterBlock } from '../core/cpu-router.js';
import { newReadout, type ReadoutField } from '../core/layout.js';
import type { RouterCell } from '../core/model.js';

export type WorkerRequest =
  /** buffers: the session's readout columns (READOUT_FIELDS), 8 bytes per router; this worker's block is [offset, offset + count) */
  | {
      kind: 'setup';
      offset: number;
      count: number;
      buffers: Record<ReadoutField, SharedArrayBuffer>;
      cells: RouterCell[];
      replicates: number;
      seed: number;
      firstRouter: number;
    }
  | { kind: 'cells'; cells: RouterCell[] }
  | { kind: 'initialize' }
  | { kind: 'reset' }
  | { kind: 'advance'; range: AdvanceRange };

let block: RouterBlock;
let cells: RouterCell[];
let replicates = 1;
let seed = 0;
let firstRouter = 0;

parentPort!.on('message', (msg: WorkerRequest) => {
  try {
    switch (msg.kind) {
      case 'setup':
        ({ cells, replicates, seed, firstRouter } = msg);
        block = allocateBlock(msg.offset, msg.count, newReadout(msg.count, msg.buffers, msg.offset));
        break;
      case 'cells':
        cells = msg.cells;
        break;
      case 'initialize':
        initializeBlock(block, cells, replicates, seed, firstRouter);
        break;
      case 'reset':
        resetBlockTallies(block);
        break;
      case 'advance':
        advanceBlock(block, cells, replicates, seed, msg.range, firstRouter);
        break;
    }
    parentPort!.postMessage({ ok: true });
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: String((error as Error)?.stack ?? error) });
  }
});

// One Web Worker of the browser's CPU engine (worker-engine.ts): holds a block of routers per
// open session and runs the core's TypeScript twin of the kernel on it (src/core/cpu-router.ts,
// the same code the Node CPU engine runs on worker_threads).
import { advanceBlock, allocateBlock, initializeBlock, resetBlockTallies, type AdvanceRange, type RouterBlock } from '../../src/core/cpu-router.js';
import type { RouterReadout } from '../../src/core/engine.js';
import { READOUT_FIELDS, readoutOf } from '../../src/core/layout.js';
import type { RouterCell } from '../../src/core/model.js';

export type WorkerRequest = { id: number; session: number } & (
  | { kind: 'setup'; offset: number; count: number; cells: RouterCell[]; replicates: number; seed: number; firstRouter: number }
  | { kind: 'cells'; cells: RouterCell[] }
  | { kind: 'initialize' }
  | { kind: 'reset' }
  | { kind: 'advance'; range: AdvanceRange }
  | { kind: 'read' }
  | { kind: 'restore'; block: BlockData }
  | { kind: 'close' }
);

/** A block's readout columns (READOUT_FIELDS), as read and restored. */
export type BlockData = RouterReadout;
export type WorkerReply = { id: number; ok: true; block?: BlockData | undefined } | { id: number; ok: false; error: string };

interface SessionState {
  block: RouterBlock;
  cells: RouterCell[];
  replicates: number;
  seed: number;
  firstRouter: number;
}

const sessions = new Map<number, SessionState>();
const scope = self as unknown as {
  onmessage: ((ev: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(msg: WorkerReply, transfer?: Transferable[]): void;
};

function state(session: number): SessionState {
  const s = sessions.get(session);
  if (!s) throw new Error(`worker: no session ${session}`);
  return s;
}

scope.onmessage = (ev) => {
  const msg = ev.data;
  try {
    let block: BlockData | undefined;
    switch (msg.kind) {
      case 'setup':
        sessions.set(msg.session, {
          block: allocateBlock(msg.offset, msg.count),
          cells: msg.cells,
          replicates: msg.replicates,
          seed: msg.seed,
          firstRouter: msg.firstRouter,
        });
        break;
      case 'cells':
        state(msg.session).cells = msg.cells;
        break;
      case 'initialize': {
        const s = state(msg.session);
        initializeBlock(s.block, s.cells, s.replicates, s.seed, s.firstRouter);
        break;
      }
      case 'reset':
        resetBlockTallies(state(msg.session).block);
        break;
      case 'advance': {
        const s = state(msg.session);
        advanceBlock(s.block, s.cells, s.replicates, s.seed, msg.range, s.firstRouter);
        break;
      }
      case 'read': {
        const b = state(msg.session).block;
        block = readoutOf((key) => b[key].slice());
        break;
      }
      case 'restore': {
        const b = state(msg.session).block;
        for (const key of READOUT_FIELDS) b[key].set(msg.block[key]);
        break;
      }
      case 'close':
        sessions.delete(msg.session);
        break;
    }
    scope.postMessage({ id: msg.id, ok: true, block }, block ? READOUT_FIELDS.map((key) => block[key].buffer) : []);
  } catch (error) {
    scope.postMessage({ id: msg.id, ok: false, error: String((error as Error)?.stack ?? error) });
  }
};

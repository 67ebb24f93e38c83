// One Web Worker of the browser's CPU engine (worker-engine.ts): holds a block of routers per
// open session and runs the core's TypeScript twin of the kernel on it (src/core/cpu-router.ts,
// the same code the Node CPU engine runs on worker_threads).
import { advanceBlock, allocateBlock, initializeBlock, resetBlockTallies, type AdvanceRange, type RouterBlock } from '../../src/core/cpu-router.js';
import type { RouterCell } from '../../src/core/model.js';

export type WorkerRequest = { id: number; session: number } & (
  | { kind: 'setup'; offset: number; count: number; cells: RouterCell[]; replicates: number; seed: number; firstRouter: number }
  | { kind: 'cells'; cells: RouterCell[] }
  | { kind: 'initialize' }
  | { kind: 'reset' }
  | { kind: 'advance'; range: AdvanceRange }
  | { kind: 'read' }
  | { kind: 'restore'; y: Float64Array; sumN1: Float64Array; sumAbs: Float64Array; sumSq: Float64Array }
  | { kind: 'close' });

export type BlockData = Pick<RouterBlock, 'y' | 'sumN1' | 'sumAbs' | 'sumSq'>;
export type WorkerReply = { id: number; ok: true; block?: BlockData } | { id: number; ok: false; error: string };

interface SessionState {
  block: RouterBlock;
  cells: RouterCell[];
  replicates: number;
  seed: number;
  firstRouter: number;
}

const sessions = new Map<number, SessionState>();
const scope = self as unknown as { onmessage: ((ev: MessageEvent<WorkerRequest>) => void) | null; postMessage(msg: WorkerReply, transfer?: Transferable[]): void };

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
        sessions.set(msg.session, { block: allocateBlock(msg.offset, msg.count), cells: msg.cells, replicates: msg.replicates, seed: msg.seed, firstRouter: msg.firstRouter });
        break;
      case 'cells': state(msg.session).cells = msg.cells; break;
      case 'initialize': {
        const s = state(msg.session);
        initializeBlock(s.block, s.cells, s.replicates, s.seed, s.firstRouter);
        break;
      }
      case 'reset': resetBlockTallies(state(msg.session).block); break;
      case 'advance': {
        const s = state(msg.session);
        advanceBlock(s.block, s.cells, s.replicates, s.seed, msg.range, s.firstRouter);
        break;
      }
      case 'read': {
        const b = state(msg.session).block;
        block = { y: b.y.slice(), sumN1: b.sumN1.slice(), sumAbs: b.sumAbs.slice(), sumSq: b.sumSq.slice() };
        break;
      }
      case 'restore': {
        const b = state(msg.session).block;
        b.y.set(msg.y); b.sumN1.set(msg.sumN1); b.sumAbs.set(msg.sumAbs); b.sumSq.set(msg.sumSq);
        break;
      }
      case 'close': sessions.delete(msg.session); break;
    }
    scope.postMessage({ id: msg.id, ok: true, block }, block ? [block.y.buffer, block.sumN1.buffer, block.sumAbs.buffer, block.sumSq.buffer] : []);
  } catch (error) {
    scope.postMessage({ id: msg.id, ok: false, error: String((error as Error)?.stack ?? error) });
  }
};

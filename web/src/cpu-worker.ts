// One Web Worker of the browser's CPU engines (worker-engine.ts, expert-worker-engine.ts):
// holds a block of routers per open session and runs the core's TypeScript twin on it, the
// two-expert kernel's (src/core/cpu-router.ts, the same code the Node CPU engine runs on
// worker_threads) or the N-expert router's f64 twin (src/core/experts-router.ts, the code of
// CpuExpertEngine). A session is one or the other: 'setup' or 'expert-setup' opens it, and
// initialize, reset, read and close act on either kind.
import { advanceBlock, allocateBlock, initializeBlock, resetBlockTallies, type AdvanceRange, type RouterBlock } from '../../src/core/cpu-router.js';
import type { RouterReadout } from '../../src/core/engine.js';
import { newExpertReadout, type ExpertCell, type ExpertReadout, type ExpertStepRange } from '../../src/core/experts.js';
import { advanceExperts, initializeExperts, resetExpertTallies, type ExpertBlock } from '../../src/core/experts-router.js';
import { READOUT_FIELDS, readoutOf } from '../../src/core/layout.js';
import type { RouterCell } from '../../src/core/model.js';

export type WorkerRequest = { id: number; session: number } & (
  | { kind: 'setup'; offset: number; count: number; cells: RouterCell[]; replicates: number; seed: number; firstRouter: number }
  | { kind: 'cells'; cells: RouterCell[] }
  | { kind: 'advance'; range: AdvanceRange }
  | { kind: 'restore'; block: BlockData }
  | { kind: 'expert-setup'; offset: number; count: number; N: number; cells: ExpertCell[]; replicates: number; seed: number; firstRouter: number }
  | { kind: 'expert-cells'; cells: ExpertCell[] }
  | { kind: 'expert-advance'; range: ExpertStepRange }
  | { kind: 'expert-restore'; block: ExpertReadout }
  | { kind: 'initialize' }
  | { kind: 'reset' }
  | { kind: 'read' }
  | { kind: 'close' }
);

/** A block's readout columns (READOUT_FIELDS), as read and restored. */
export type BlockData = RouterReadout;
/** What a read replies: a two-expert block's columns, or an N-expert block's readout (routers [offset, offset + count) of the plan). */
export type WorkerReply = { id: number; ok: true; block?: BlockData | ExpertReadout | undefined } | { id: number; ok: false; error: string };

interface Placement {
  replicates: number;
  seed: number;
  firstRouter: number;
}

type SessionState =
  | (Placement & { experts: false; block: RouterBlock; cells: RouterCell[] })
  | (Placement & { experts: true; block: ExpertBlock; cells: ExpertCell[] });

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

function expertState(session: number): Extract<SessionState, { experts: true }> {
  const s = state(session);
  if (!s.experts) throw new Error(`worker: session ${session} is not an N-expert session`);
  return s;
}

function twoExpertState(session: number): Extract<SessionState, { experts: false }> {
  const s = state(session);
  if (s.experts) throw new Error(`worker: session ${session} is an N-expert session`);
  return s;
}

function initialize(s: SessionState): void {
  if (s.experts) initializeExperts(s.block, s.cells, s.replicates, s.seed, s.firstRouter);
  else initializeBlock(s.block, s.cells, s.replicates, s.seed, s.firstRouter);
}

function read(s: SessionState): BlockData | ExpertReadout {
  if (s.experts) return structuredClone(s.block.data);
  const b = s.block;
  return readoutOf((key) => b[key].slice());
}

/** The buffers of a reply's block, handed over rather than copied. */
const buffers = (block: BlockData | ExpertReadout): ArrayBuffer[] => Object.values(block).map((a: Float64Array) => a.buffer as ArrayBuffer);

scope.onmessage = (ev) => {
  const msg = ev.data;
  try {
    let block: BlockData | ExpertReadout | undefined;
    switch (msg.kind) {
      case 'setup': {
        const { offset, count, cells, replicates, seed, firstRouter } = msg;
        sessions.set(msg.session, { experts: false, block: allocateBlock(offset, count), cells, replicates, seed, firstRouter });
        break;
      }
      case 'expert-setup': {
        const { offset, count, N, cells, replicates, seed, firstRouter } = msg;
        const data = newExpertReadout(count, N);
        sessions.set(msg.session, { experts: true, block: { offset, count, N, data }, cells, replicates, seed, firstRouter });
        break;
      }
      case 'cells':
        twoExpertState(msg.session).cells = msg.cells;
        break;
      case 'expert-cells':
        expertState(msg.session).cells = msg.cells;
        break;
      case 'initialize':
        initialize(state(msg.session));
        break;
      case 'reset': {
        const s = state(msg.session);
        if (s.experts) resetExpertTallies(s.block);
        else resetBlockTallies(s.block);
        break;
      }
      case 'advance': {
        const s = twoExpertState(msg.session);
        advanceBlock(s.block, s.cells, s.replicates, s.seed, msg.range, s.firstRouter);
        break;
      }
      case 'expert-advance': {
        const s = expertState(msg.session);
        advanceExperts(s.block, s.cells, s.replicates, s.seed, msg.range, s.firstRouter);
        break;
      }
      case 'read':
        block = read(state(msg.session));
        break;
      case 'restore': {
        const b = twoExpertState(msg.session).block;
        for (const key of READOUT_FIELDS) b[key].set(msg.block[key]);
        break;
      }
      case 'expert-restore': {
        const d = expertState(msg.session).block.data;
        for (const key of Object.keys(d) as (keyof ExpertReadout)[]) d[key].set(msg.block[key]);
        break;
      }
      case 'close':
        sessions.delete(msg.session);
        break;
    }
    scope.postMessage({ id: msg.id, ok: true, block }, block ? buffers(block) : []);
  } catch (error) {
    scope.postMessage({ id: msg.id, ok: false, error: String((error as Error)?.stack ?? error) });
  }
};

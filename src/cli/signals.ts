// Graceful stop for batch schedulers. Kubernetes sends SIGTERM and, after the pod's grace
// period (30 s by default), SIGKILL; Slurm can signal ahead of the time limit (--signal).
// On SIGTERM or SIGINT a run finishes the slice of steps in flight (about a second), writes
// a checkpoint and exits 143 (SIGTERM) or 130 (SIGINT); `--resume` then loses nothing. If
// that has not happened within DEADLINE_MS, the process releases its locks and exits with the
// same code anyway (the last periodic checkpoint stays). A repeated signal changes nothing:
// Ctrl-C reaches the relaunching parent and this process alike (src/cli/launch.ts).

import type { StopToken } from '../experiments/scan-run.js';

/** How long a stop may take before the process exits regardless. */
export const STOP_DEADLINE_MS = 10_000;

const CODES: Record<string, number> = { SIGTERM: 143, SIGINT: 130, SIGHUP: 129 };

/** Exit with this code after the message was printed (a stopped run). */
export class ExitCode extends Error {
  constructor(
    readonly code: number,
    message = `exit ${code}`,
  ) {
    super(message);
    this.name = 'ExitCode';
  }
}

export class SignalStop implements StopToken {
  signal: NodeJS.Signals | undefined;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();

  /** `cleanup` runs before a forced exit at the deadline (release locks). */
  constructor(
    private readonly cleanup: () => void,
    private readonly deadlineMs = STOP_DEADLINE_MS,
  ) {
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as NodeJS.Signals[]) {
      const handler = () => this.onSignal(sig);
      this.handlers.set(sig, handler);
      process.on(sig, handler);
    }
  }

  get requested(): boolean {
    return this.signal !== undefined;
  }

  /** 143 for SIGTERM, 130 for SIGINT, 129 for SIGHUP. */
  get exitCode(): number {
    return CODES[this.signal ?? 'SIGTERM'];
  }

  private onSignal(sig: NodeJS.Signals): void {
    if (this.signal) return;
    this.signal = sig;
    process.stderr.write(`\nmoe-cusp: ${sig}: stopping after the steps in flight and writing a checkpoint\n`);
    setTimeout(() => {
      process.stderr.write(`moe-cusp: ${sig}: no checkpoint within ${this.deadlineMs / 1000} s; exiting (the last periodic checkpoint is kept)\n`);
      try {
        this.cleanup();
      } finally {
        process.exit(this.exitCode);
      }
    }, this.deadlineMs).unref();
  }

  /** Restores the default signal behaviour. */
  dispose(): void {
    for (const [sig, handler] of this.handlers) process.off(sig, handler);
    this.handlers.clear();
  }
}

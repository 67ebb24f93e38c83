// A clean stderr for the commands that load the GPU runtime. Dawn (npm `webgpu`) and the
// drivers it probes write diagnostics from native code straight to file descriptor 2
// ("Warning: ... artificially reduced from 90 to 16 ...", adapter-probe warning blocks), so
// Node cannot intercept them in-process. Instead the CLI re-executes itself as a child with
// stdin and stdout inherited and stderr piped through StderrFilter, which drops exactly that
// known noise and passes everything else through unchanged and at once. `--verbose` (or
// MOE_CUSP_VERBOSE=1) runs in-process with Dawn's messages shown; MOE_CUSP_STDERR_FILTERED=1
// marks the child.

import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { finish } from './errors.js';

/** The commands that load Dawn; the others (help, version, analytic, merge) never relaunch. */
const GPU_COMMANDS = new Set(['run', 'reproduce', 'demo', 'sample', 'bench']);
const FORWARDED_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/** Line starts that may begin noise (a partial line that starts otherwise is passed at once). */
const HEAD_STARTS = ['Warning: ', 'Error: Loader Message:', 'error: XDG_RUNTIME_DIR '];
/** ... and, after a held head line or inside a probe block, its continuation lines. */
const CONTINUATION_STARTS = [' - While ', '    at '];
/** libwayland without a usable XDG_RUNTIME_DIR (gpu.ts sets one; old drivers may still ask). */
const XDG_LINE = /^error: XDG_RUNTIME_DIR (is invalid or )?not set/;
/** A line that may open a Dawn warning block; held for one line of lookahead. */
const HEAD_LINE = /^(Warning: |Error: Loader Message:)/;
/** Dawn lowering a limit on its OpenGL backend: noise even on its own. */
const REDUCED_LINE = /^Warning: .*artificially reduced from \d+ to \d+/;
/** What makes the held head lines a probe block: Dawn's context line or a frame in Dawn's source. */
const BLOCK_TRIGGER = /^ - While initializing adapter|^ {4}at \S+ \(.*\/dawn\/.*:\d+\)\s*$/;
/** Lines inside a probe block; a blank line ends it. */
const BLOCK_LINE = /^( - While | {4}at )/;
/** Where a line ends: a newline, a carriage return (progress-bar redraws) ... */
const LINE_END = /\r\n|\n|\r/g;
/** ... and, inside a line already passed through, also an ANSI cursor-to-column or clear-line
 *  sequence, after which the terminal is at a line start again (cli-progress draws with these). */
const PASS_END = /\r\n|\n|\r|\x1b\[[0-9;]*[GK]/g;
/** An unfinished ANSI sequence at the end of a chunk, kept until the next chunk completes it. */
const PARTIAL_CSI = /\x1b(\[[0-9;]*)?$/;

/**
 * Drops Dawn's known stderr noise from a stream fed in arbitrary chunks; `emit` receives the
 * rest, byte for byte (feed latin1-decoded text to stay byte-exact for any input). Only text
 * that can still turn out to be noise is held: a partial line that starts like noise, and a
 * `Warning:` line until the next line shows whether a probe block follows; held text is
 * written out after `holdMs` of silence, and at end().
 */
export class StderrFilter {
  /** unprocessed text: the partial line at a line start, or a partial ANSI sequence (passing) */
  private pending = '';
  /** the current line was found not to be noise: pass it through up to its end */
  private passing = false;
  /** head lines (with their line ends) waiting for the line that decides */
  private held: string[] = [];
  /** inside a probe block: drop ` - While` and `    at` lines up to a blank line */
  private inBlock = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly emit: (text: string) => void,
    private readonly holdMs = 100,
  ) {}

  write(chunk: string): void {
    const s = this.pending + chunk;
    this.pending = '';
    let out = '';
    let i = 0;
    while (i < s.length) {
      if (this.passing) {
        PASS_END.lastIndex = i;
        const m = PASS_END.exec(s);
        if (m) {
          out += s.slice(i, m.index + m[0].length);
          i = m.index + m[0].length;
          this.passing = false;
        } else {
          const rest = s.slice(i);
          const cut = PARTIAL_CSI.exec(rest)?.index ?? rest.length;
          out += rest.slice(0, cut);
          this.pending = rest.slice(cut);
          i = s.length;
        }
        continue;
      }
      // at a line start
      const rest = s.slice(i);
      const blank = rest[0] === '\n' || rest[0] === '\r';
      if (!blank && !this.candidates().some((p) => rest.startsWith(p) || p.startsWith(rest))) {
        out += this.release();
        this.passing = true;
        continue;
      }
      LINE_END.lastIndex = i;
      const m = LINE_END.exec(s);
      if (!m) {
        this.pending = rest;
        break;
      }
      out += this.line(s.slice(i, m.index), s.slice(i, m.index + m[0].length));
      i = m.index + m[0].length;
    }
    if (out) this.emit(out);
    this.arm();
  }

  /** End of stream: decide on whatever is held and write it out. */
  end(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    let out = '';
    if (this.pending && !this.passing) out += this.line(this.pending, this.pending);
    else out += this.pending;
    out += this.release();
    this.pending = '';
    this.passing = false;
    if (out) this.emit(out);
  }

  /** Nothing followed for holdMs: what is held is not (the start of) a probe block. */
  private flush(): void {
    this.timer = undefined;
    const out = this.release() + this.pending;
    if (this.pending) this.passing = true;
    this.pending = '';
    if (out) this.emit(out);
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending || this.held.length > 0 || this.inBlock) {
      this.timer = setTimeout(() => this.flush(), this.holdMs);
      this.timer.unref();
    }
  }

  private candidates(): string[] {
    return this.held.length > 0 || this.inBlock ? [...HEAD_STARTS, ...CONTINUATION_STARTS] : HEAD_STARTS;
  }

  /** The held head lines are not a probe block: write them out, less the always-noise ones. */
  private release(): string {
    const out = this.held.filter((l) => !REDUCED_LINE.test(l)).join('');
    this.held = [];
    this.inBlock = false;
    return out;
  }

  /** One complete line (content without its line end; raw with it); returns what to write. */
  private line(content: string, raw: string): string {
    if (this.inBlock) {
      if (content === '') {
        this.inBlock = false;
        return '';
      }
      if (BLOCK_LINE.test(content)) return '';
      this.inBlock = false;
    }
    if (this.held.length > 0 && BLOCK_TRIGGER.test(content)) {
      this.held = [];
      this.inBlock = true;
      return '';
    }
    if (XDG_LINE.test(content)) return this.release();
    if (HEAD_LINE.test(content)) {
      this.held.push(raw);
      return '';
    }
    return this.release() + raw;
  }
}

/** True when this invocation should run in a child behind the stderr filter. */
export function wantsFilteredStderr(argv: string[], env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.MOE_CUSP_STDERR_FILTERED === '1' || env.MOE_CUSP_VERBOSE === '1') return false;
  const args = argv.slice(2);
  const end = args.indexOf('--');
  const options = end < 0 ? args : args.slice(0, end);
  if (options.some((a) => a === '--verbose' || a === '-h' || a === '--help' || a === '-V' || a === '--version')) return false;
  // the program has no option taking a value, so its first operand is the command
  const command = options.find((a) => !a.startsWith('-'));
  return command !== undefined && GPU_COMMANDS.has(command);
}

/**
 * Runs this CLI again as a child behind the stderr filter and exits with its exit code (or
 * 128 + the signal number); returns false, doing nothing, when this process should do the
 * work itself (see wantsFilteredStderr). In the child, makes stderr look like the parent's
 * terminal when it is one.
 */
export function relaunchWithFilteredStderr(argv: string[] = process.argv): boolean {
  if (process.env.MOE_CUSP_STDERR_FILTERED === '1' && process.env.MOE_CUSP_STDERR_TTY === '1' && !process.stderr.isTTY) {
    // cli-progress draws only on a stream with isTTY (progress.ts reads MOE_CUSP_STDERR_TTY too)
    Object.assign(process.stderr, { isTTY: true, columns: Number(process.env.COLUMNS) || 80 });
  }
  if (process.env.MOE_CUSP_STDERR_FILTERED === '1') {
    // With the parent gone, writing to the pipe fails (EPIPE): that must not kill the run.
    process.stderr.on('error', () => {});
  }
  if (process.env.MOE_CUSP_STDERR_FILTERED === '1' && process.channel) {
    // The parent gone (even by SIGKILL) closes the IPC channel: stop as on a hang-up, so no
    // orphan keeps running and holding its output folder's lock. Unref'd: it keeps nothing alive.
    process.on('disconnect', () => process.kill(process.pid, 'SIGHUP'));
    process.channel.unref();
  }
  if (!wantsFilteredStderr(argv)) return false;

  const env: NodeJS.ProcessEnv = { ...process.env, MOE_CUSP_STDERR_FILTERED: '1' };
  delete env.MOE_CUSP_STDERR_TTY;
  if (process.stderr.isTTY) {
    env.MOE_CUSP_STDERR_TTY = '1';
    env.COLUMNS = String(process.stderr.columns || 80);
  }
  const child = spawn(process.execPath, [...process.execArgv, argv[1], ...argv.slice(2)], {
    env,
    stdio: ['inherit', 'inherit', 'pipe', 'ipc'],
  });
  child.channel?.unref();

  // A gone terminal (SIGHUP) must not kill the parent: keep draining the child's stderr.
  process.stderr.on('error', () => {});
  const filter = new StderrFilter((text) => process.stderr.write(Buffer.from(text, 'latin1')));
  child.stderr!.setEncoding('latin1');
  child.stderr!.on('data', (chunk: string) => filter.write(chunk));

  // Listening keeps the parent alive; the child decides how to stop. Ctrl-C in a terminal
  // signals the whole foreground process group, so the child gets SIGINT twice (from the
  // terminal and forwarded from here); its handler treats a repeated signal idempotently.
  for (const signal of FORWARDED_SIGNALS) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  let done = false;
  child.on('error', (err) => {
    if (done) return;
    done = true;
    filter.end();
    process.stderr.write(`moe-cusp: cannot start ${process.execPath}: ${err.message}\n`);
    finish(1);
  });
  child.on('close', (code, signal) => {
    if (done) return;
    done = true;
    filter.end();
    finish(code ?? 128 + (signal ? constants.signals[signal] : 0));
  });
  return true;
}

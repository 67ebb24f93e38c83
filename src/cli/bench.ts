// Throughput benchmark: router-steps per second (and tokens per second = that x B) of the
// WebGPU engine (on whatever adapter createEngine finds), the CPU engine, and the NumPy peer
// (bench/numpy_router.py, when python3 has numpy), at balanced parameters a=3, gamma=1,
// T=2.2, eta=0.002, where p stays near 1/2 (the sampler's expensive regime).
//
// Each engine and B gets a warm-up (steps doubled until it lasts a moment; the rate it
// gives sizes the measurement) and then one timed run aimed at ~3 s (2-4 s), retried with
// corrected steps when it falls outside. Timings are end to end: runScan from open to
// readback, measured with performance.now().
//
//   moe-cusp bench [--json] [--quick] [--B 64,512] [--engines webgpu,cpu,numpy]
//   node dist/bench/throughput.js ...   (the same, as a script: bench/throughput.ts)
//   npm run -s bench -- --json      (-s keeps npm's own banner off stdout)

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { arch, availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { createEngine, ADAPTER_CHOICES, type AdapterChoice } from '../node/index.js';
import type { Engine } from '../core/engine.js';
import { completeCell, InputError, MAX_TOKENS, type ScanPlan } from '../core/model.js';
import { runScan } from '../core/scan.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../core/version.generated.js';
import { parseChoiceFlag, parseChoiceListFlag, parseIntegerListFlag } from './flags.js';
import { formatRate, progressBar, type ProgressHandle } from './progress.js';

export type BenchEngine = 'webgpu' | 'cpu' | 'numpy';
export const BENCH_ENGINES: readonly BenchEngine[] = ['webgpu', 'cpu', 'numpy'];
export const BENCH_B_DEFAULT: readonly number[] = [64, 512, 4096];
/** balanced parameters: T > T_c = 1.5, p near 1/2 */
export const BENCH_PARAMETERS = { a: 3, gamma: 1, T: 2.2, eta: 0.002, h: 0 } as const;

export interface BenchOptions {
  /** small sizes and short runs, for a smoke test */
  quick?: boolean;
  B?: readonly number[] | undefined;
  engines?: readonly BenchEngine[] | undefined;
  /** adapter for the WebGPU engine; createEngine's default (env MOE_CUSP_ADAPTER, else auto) when absent */
  adapter?: AdapterChoice | undefined;
  /** engines named explicitly must run; otherwise one that cannot run is skipped with a note */
  strict?: boolean;
  /** one line per measurement (stderr by default) */
  log?: (line: string) => void;
  /** a progress display per timed run */
  progress?: (label: string) => ProgressHandle;
  seed?: number;
}

export interface BenchRow {
  engine: BenchEngine;
  adapter: string;
  backend: string;
  B: number;
  routers: number;
  steps: number;
  seconds: number;
  routerStepsPerSecond: number;
  tokensPerSecond: number;
  /** routerStepsPerSecond / NumPy's at the same B; null without a NumPy row */
  ratioVsNumpy: number | null;
  /** mean |u_hat| over all steps: a sanity check that every engine ran the same model */
  meanAbsLoad: number;
}

export interface MachineInfo {
  cpuModel: string;
  cpuCount: number;
  availableParallelism: number;
  totalMemoryGiB: number;
  platform: string;
  release: string;
  arch: string;
  node: string;
  numpy: string | null;
  python: string | null;
}

export interface BenchReport {
  package: string;
  version: string;
  date: string;
  machine: MachineInfo;
  parameters: typeof BENCH_PARAMETERS;
  quick: boolean;
  targetSeconds: number;
  rows: BenchRow[];
  skipped: { engine: BenchEngine; reason: string }[];
}

/** How long benchmark runs last (seconds). */
export interface TimingBand {
  /** the warm-up doubles its steps until a run lasts this long */
  warmupSeconds: number;
  /** aim of the timed run, and the band accepted without a retry */
  targetSeconds: number;
  minSeconds: number;
  maxSeconds: number;
}

interface Sizing extends TimingBand {
  /** routers per run */
  routers: Record<BenchEngine, number>;
}

const FULL: Sizing = {
  routers: { webgpu: 65536, cpu: 8192, numpy: 65536 },
  warmupSeconds: 0.5,
  targetSeconds: 3,
  minSeconds: 2,
  maxSeconds: 4,
};
const QUICK: Sizing = {
  routers: { webgpu: 4096, cpu: 1024, numpy: 4096 },
  warmupSeconds: 0.05,
  targetSeconds: 0.2,
  minSeconds: 0.1,
  maxSeconds: 0.4,
};

interface Measurement {
  routers: number;
  steps: number;
  seconds: number;
  routerStepsPerSecond: number;
  meanAbsLoad: number;
}

type Runner = (steps: number, progress?: ProgressHandle) => Promise<{ seconds: number; meanAbsLoad: number }>;

const MAX_BENCH_STEPS = 1 << 24;

/** A timed run: its size and rate, and what the run itself returned. */
export interface Timed<R> {
  routers: number;
  steps: number;
  seconds: number;
  routerStepsPerSecond: number;
  out: R;
}

/**
 * Warm-up by doubling the steps until a run lasts `warmupSeconds`; the last two warm-up runs
 * give the marginal rate and the fixed cost per run (setup, workers, readback), which size
 * the timed run to last about `targetSeconds`. A timed run outside [minSeconds, maxSeconds]
 * is redone (at most `attempts` runs in all) with steps corrected by what it measured.
 */
export async function measureTimed<R extends { seconds: number }>(
  routers: number,
  band: TimingBand,
  run: (steps: number, progress?: ProgressHandle) => Promise<R>,
  label: string,
  progress?: (label: string) => ProgressHandle,
  attempts = 3,
): Promise<Timed<R>> {
  let steps = 4;
  const warm: { steps: number; seconds: number }[] = [];
  for (;;) {
    const { seconds } = await run(steps);
    warm.push({ steps, seconds });
    if ((seconds >= band.warmupSeconds && warm.length >= 3) || steps >= MAX_BENCH_STEPS) break;
    const factor = Math.min(16, Math.max(2, Math.ceil((1.2 * band.warmupSeconds) / Math.max(seconds, 1e-6))));
    steps = Math.min(MAX_BENCH_STEPS, steps * factor);
  }
  const last = warm[warm.length - 1];
  const prev = warm[warm.length - 2];
  // seconds per step (marginal) and per run (fixed), from the last two warm-up runs
  let perStep = last.seconds / last.steps;
  let fixed = 0;
  if (prev && last.steps > prev.steps && last.seconds > prev.seconds) {
    // the marginal cost, but never below half the average (guards against timing noise)
    perStep = Math.max((last.seconds - prev.seconds) / (last.steps - prev.steps), (0.5 * last.seconds) / last.steps);
    fixed = Math.max(0, last.seconds - perStep * last.steps);
  }
  let best: Timed<R> | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const budget = Math.max(band.targetSeconds - fixed, band.targetSeconds / 4);
    steps = Math.min(MAX_BENCH_STEPS, Math.max(1, Math.round(budget / perStep)));
    const handle = progress?.(label);
    let out: R;
    try {
      out = await run(steps, handle);
    } finally {
      handle?.stop();
    }
    best = { routers, steps, seconds: out.seconds, routerStepsPerSecond: (routers * steps) / Math.max(out.seconds, 1e-9), out };
    if (out.seconds >= band.minSeconds && out.seconds <= band.maxSeconds) break;
    perStep = Math.max(out.seconds - fixed, out.seconds / 2) / steps;
  }
  return best!;
}

async function measure(
  routers: number,
  sizing: Sizing,
  run: Runner,
  label: string,
  progress?: (label: string) => ProgressHandle,
): Promise<Measurement> {
  const { out, ...m } = await measureTimed(routers, sizing, run, label, progress);
  return { ...m, meanAbsLoad: out.meanAbsLoad };
}

function enginePlan(B: number, routers: number, steps: number, seed: number): ScanPlan {
  const { a, gamma, T, eta, h } = BENCH_PARAMETERS;
  return { cells: [completeCell({ a, gamma, T, eta, h, B })], replicates: routers, steps, window: steps, seed };
}

function engineRunner(engine: Engine, B: number, routers: number, seed: number): Runner {
  return async (steps, progress) => {
    const t0 = performance.now();
    const result = await runScan(engine, enginePlan(B, routers, steps, seed), { onProgress: progress?.onProgress });
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, meanAbsLoad: result.perCell[0].meanAbsLoad };
  };
}

/** Where bench/numpy_router.py lies: from src/cli in the sources, or from dist/src/cli. */
export function numpyScriptPath(): string | null {
  for (const rel of ['../../bench/numpy_router.py', '../../../bench/numpy_router.py']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  return null;
}

function python(args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync('python3', args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  return { ok: r.status === 0 && !r.error, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error.message) : '') };
}

/** numpy's version, or why the NumPy peer cannot run. */
export function probeNumpy(): { version: string; python: string } | { reason: string } {
  const script = numpyScriptPath();
  if (!script) return { reason: 'bench/numpy_router.py not found' };
  const r = python(['-c', 'import sys, numpy; print(numpy.__version__, sys.version.split()[0])']);
  if (!r.ok) return { reason: `python3 with numpy is not available (${r.stderr.trim().split('\n').pop() || 'python3 failed'})` };
  const [version, py] = r.stdout.trim().split(/\s+/);
  return { version, python: py };
}

function numpyRunner(B: number, routers: number): Runner {
  const script = numpyScriptPath()!;
  return async (steps) => {
    const r = python([script, String(routers), String(steps), String(B)]);
    if (!r.ok) throw new Error(`numpy_router.py failed: ${r.stderr.trim()}`);
    const line = r.stdout.trim().split('\n').pop() ?? '';
    const parsed = JSON.parse(line) as { routerStepsPerSecond: number; meanAbsLoad?: number };
    return { seconds: (routers * steps) / parsed.routerStepsPerSecond, meanAbsLoad: parsed.meanAbsLoad ?? NaN };
  };
}

export function machineInfo(numpy: { version: string; python: string } | null): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuCount: list.length,
    availableParallelism: availableParallelism(),
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: platform(),
    release: release(),
    arch: arch(),
    node: process.version,
    numpy: numpy?.version ?? null,
    python: numpy?.python ?? null,
  };
}

export async function runBenchmark(options: BenchOptions = {}): Promise<BenchReport> {
  const sizing = options.quick ? QUICK : FULL;
  const Bs = [...(options.B ?? BENCH_B_DEFAULT)];
  const engines = [...(options.engines ?? BENCH_ENGINES)];
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const seed = options.seed ?? 1;
  for (const B of Bs) {
    if (!Number.isInteger(B) || B < 1 || B > MAX_TOKENS) throw new InputError('B', `must be integers in [1, ${MAX_TOKENS}], got ${B}`);
  }
  const rows: BenchRow[] = [];
  const skipped: BenchReport['skipped'] = [];
  const skip = (engine: BenchEngine, reason: string) => {
    if (options.strict) throw new Error(`${engine}: ${reason}`);
    skipped.push({ engine, reason });
    log(`bench: skipping ${engine}: ${reason}`);
  };

  let numpy: { version: string; python: string } | null = null;
  if (engines.includes('numpy')) {
    const probe = probeNumpy();
    if ('reason' in probe) skip('numpy', probe.reason);
    else numpy = probe;
  }
  const date = new Date().toISOString();

  for (const kind of engines) {
    if (kind === 'numpy') {
      if (!numpy) continue;
      for (const B of Bs) {
        const routers = sizing.routers.numpy;
        const m = await measure(routers, sizing, numpyRunner(B, routers), `numpy B=${B}`);
        rows.push({
          engine: 'numpy',
          adapter: `numpy ${numpy.version} (python ${numpy.python})`,
          backend: 'cpython',
          B,
          ...m,
          tokensPerSecond: m.routerStepsPerSecond * B,
          ratioVsNumpy: null,
        });
        log(`bench: numpy B=${B}: ${formatRate(m.routerStepsPerSecond)} router-steps/s (${m.routers} x ${m.steps} in ${m.seconds.toFixed(2)} s)`);
      }
      continue;
    }
    let engine: Engine;
    try {
      engine = await createEngine({ engine: kind, adapter: options.adapter, notice: log });
    } catch (err) {
      if (err instanceof InputError) throw err;
      skip(kind, err instanceof Error ? err.message : String(err));
      continue;
    }
    try {
      log(`bench: ${kind}: ${engine.info.adapter} (${engine.info.backend})`);
      for (const B of Bs) {
        const routers = Math.min(sizing.routers[kind], engine.maxRouters);
        const m = await measure(routers, sizing, engineRunner(engine, B, routers, seed), `${kind} B=${B}`, options.progress);
        rows.push({
          engine: kind,
          adapter: engine.info.adapter,
          backend: engine.info.backend,
          B,
          ...m,
          tokensPerSecond: m.routerStepsPerSecond * B,
          ratioVsNumpy: null,
        });
        log(`bench: ${kind} B=${B}: ${formatRate(m.routerStepsPerSecond)} router-steps/s (${m.routers} x ${m.steps} in ${m.seconds.toFixed(2)} s)`);
      }
    } finally {
      await engine.dispose();
    }
  }

  for (const row of rows) {
    const peer = rows.find((r) => r.engine === 'numpy' && r.B === row.B);
    row.ratioVsNumpy = peer ? row.routerStepsPerSecond / peer.routerStepsPerSecond : null;
  }
  return {
    package: PACKAGE_NAME,
    version: PACKAGE_VERSION,
    date,
    machine: machineInfo(numpy),
    parameters: BENCH_PARAMETERS,
    quick: options.quick ?? false,
    targetSeconds: sizing.targetSeconds,
    rows,
    skipped,
  };
}

function table(header: string[], rows: string[][], right: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatBenchReport(report: BenchReport): string {
  const m = report.machine;
  const p = report.parameters;
  const lines = [
    `${report.package} ${report.version} throughput benchmark, ${report.date}${report.quick ? ' (--quick: smoke-test sizes, not for the record)' : ''}`,
    `machine: ${m.cpuModel}, ${m.cpuCount} CPUs, ${m.totalMemoryGiB} GiB, ${m.platform} ${m.release} ${m.arch}; Node ${m.node}` +
      (m.numpy ? `; NumPy ${m.numpy} (Python ${m.python})` : ''),
    `parameters: a=${p.a} gamma=${p.gamma} T=${p.T} eta=${p.eta} h=${p.h} (p near 1/2); timed runs aim at ${report.targetSeconds} s, end to end`,
    '',
  ];
  const adapters = new Map(report.rows.map((r) => [r.engine, r.adapter] as const));
  for (const [engine, adapter] of adapters) lines.splice(lines.length - 1, 0, `${engine}: ${adapter}`);
  const short = (s: string) => (s.length > 40 ? s.slice(0, 37) + '...' : s);
  const header = ['engine', 'adapter', 'B', 'routers x steps', 'seconds', 'router-steps/s', 'tokens/s', 'vs NumPy'];
  const rows = report.rows.map((r) => [
    r.engine,
    short(r.adapter),
    String(r.B),
    `${r.routers} x ${r.steps}`,
    r.seconds.toFixed(2),
    formatRate(r.routerStepsPerSecond),
    formatRate(r.tokensPerSecond),
    r.engine === 'numpy' ? '1.00x' : r.ratioVsNumpy === null ? '-' : `${r.ratioVsNumpy.toFixed(2)}x`,
  ]);
  lines.push(rows.length > 0 ? table(header, rows, [false, false, true, true, true, true, true, true]) : '(no measurements)');
  for (const s of report.skipped) lines.push(`skipped ${s.engine}: ${s.reason}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------
// command line (shared with `moe-cusp bench`)

export interface BenchFlags {
  json?: boolean;
  quick?: boolean;
  B?: string;
  engines?: string;
  adapter?: string;
}

/** Adds the benchmark's flags to a commander command. */
export function addBenchFlags(cmd: Command): Command {
  return cmd
    .option('--json', 'print the report as JSON on stdout (progress and notes go to stderr)')
    .option('--quick', 'small sizes and short runs, for a smoke test')
    .option('--B <list>', `comma-separated batch sizes in [1, ${MAX_TOKENS}] (default ${BENCH_B_DEFAULT.join(',')})`)
    .option('--engines <list>', `comma-separated subset of ${BENCH_ENGINES.join(',')} (default all; engines named here must run)`)
    .option('--adapter <name>', `WebGPU adapter: ${ADAPTER_CHOICES.join(', ')} (default: MOE_CUSP_ADAPTER, else auto)`);
}

export function benchOptionsFromFlags(flags: BenchFlags): BenchOptions {
  return {
    quick: flags.quick === true,
    B: flags.B === undefined ? undefined : parseIntegerListFlag('--B', flags.B, 1, MAX_TOKENS),
    engines: flags.engines === undefined ? undefined : parseChoiceListFlag('--engines', flags.engines, BENCH_ENGINES),
    strict: flags.engines !== undefined,
    adapter: flags.adapter === undefined ? undefined : parseChoiceFlag('--adapter', flags.adapter, ADAPTER_CHOICES),
  };
}

/** Runs the benchmark from parsed flags and prints the table or the JSON report. */
export async function benchCommand(flags: BenchFlags): Promise<BenchReport> {
  const options = benchOptionsFromFlags(flags);
  const report = await runBenchmark({ ...options, progress: (label) => progressBar({ label }) });
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatBenchReport(report) + '\n');
  return report;
}

// The throughput benchmark as a script: the same as `moe-cusp bench` (src/cli/bench.ts has
// the benchmark itself; bench/ holds the entry points and the NumPy peer, and imports src/),
// followed by the N-expert rows and the training rows (bench/training.ts), which only this
// script runs. The N-expert rows: router-steps/s and
// expert-steps/s (x N) of the N-expert WebGPU kernel (shaders/router_n.wgsl) next to the
// vectorised NumPy peer (bench/numpy_router.py --experts N: Generator.multinomial) at the same
// N, and their ratio. Balanced parameters a = N/2, gamma = 1, T = 1 (a < N gamma T), eta = 0.01,
// B = 512; the sampler's balanced regime (BTRS at B / N >= 10, inversion below).
//
//   node dist/bench/throughput.js [--json] [--quick] [--B 64,512] [--engines webgpu,cpu,numpy]
//                                 [--experts 2,4,8,16,64 | --experts none] [--experts-only]
//                                 [--no-training] [--training-only]
//
// --engines also selects the N-expert rows' engines (webgpu, numpy; cpu has none here).
// Timings are end to end, as for two experts: open, initialize, advance, readback.

import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import {
  addBenchFlags,
  benchOptionsFromFlags,
  formatBenchReport,
  numpyScriptPath,
  probeNumpy,
  measureTimed,
  runBenchmark,
  type BenchFlags,
  type BenchReport,
  type TimingBand,
} from '../src/cli/bench.js';
import { finish, reportError } from '../src/cli/errors.js';
import { parseIntegerListFlag } from '../src/cli/flags.js';
import { formatRate, progressBar, type ProgressHandle } from '../src/cli/progress.js';
import { expertCell, MAX_EXPERTS, type ExpertEngine, type ExpertPlan } from '../src/core/experts.js';
import { createEngine, type AdapterChoice } from '../src/node/index.js';
import { expertEngineFor } from '../src/node/engines.js';
import { progressReport } from '../src/core/scan.js';
import { formatTrainingReport, runTrainingBenchmark } from './training.js';

export const EXPERTS_DEFAULT: readonly number[] = [2, 4, 8, 16, 64];
/** B and the balanced parameters of the N-expert rows (a = N / 2). */
export const EXPERTS_B = 512;
export const EXPERTS_PARAMETERS = { T: 1, gamma: 1, eta: 0.01, asym: 0.01, aOverN: 0.5 } as const;

type ExpertBenchEngine = 'webgpu' | 'numpy';

export interface ExpertBenchRow {
  engine: ExpertBenchEngine;
  adapter: string;
  N: number;
  B: number;
  routers: number;
  steps: number;
  seconds: number;
  routerStepsPerSecond: number;
  /** routerStepsPerSecond x N */
  expertStepsPerSecond: number;
  /** routerStepsPerSecond / NumPy's at the same N; null without a NumPy row */
  ratioVsNumpy: number | null;
  /** mean over routers and steps of sum_i (N_i / B)^2 (1/N + (1 - 1/N)/B when balanced): the same model ran */
  meanSquareShare: number;
  /**
   * CPU time over wall time of the timed run (the Node process with llvmpipe's threads, or the
   * Python process's loop): below the threads an engine can use when other processes took the CPU
   */
  cores: number;
}

export interface ExpertBenchReport {
  B: number;
  parameters: typeof EXPERTS_PARAMETERS;
  targetSeconds: number;
  rows: ExpertBenchRow[];
  skipped: { engine: ExpertBenchEngine; reason: string }[];
}

interface Sizing extends TimingBand {
  routers: (engine: ExpertBenchEngine, N: number) => number;
}

// NumPy's multinomial costs O(N) per router-step in Python-level C loops: fewer routers at large N.
const FULL: Sizing = {
  routers: (engine, N) => (engine === 'numpy' && N > 16 ? 16384 : 65536),
  warmupSeconds: 0.5,
  targetSeconds: 3,
  minSeconds: 2,
  maxSeconds: 4,
};
const QUICK: Sizing = { routers: () => 4096, warmupSeconds: 0.05, targetSeconds: 0.2, minSeconds: 0.1, maxSeconds: 0.4 };

type Runner = (steps: number, progress?: ProgressHandle) => Promise<{ seconds: number; meanSquareShare: number; cores: number }>;

/** measureTimed (src/cli/bench.ts) with the N-expert runs' extra fields; at most one retry. */
async function measure(routers: number, sizing: Sizing, run: Runner, label: string, progress?: (label: string) => ProgressHandle) {
  const { out, ...m } = await measureTimed(routers, sizing, run, label, progress, 2);
  return { ...m, meanSquareShare: out.meanSquareShare, cores: out.cores };
}

function expertPlan(N: number, routers: number, steps: number): ExpertPlan {
  const { T, gamma, eta, asym, aOverN } = EXPERTS_PARAMETERS;
  return { N, cells: [expertCell(N, { a: aOverN * N, T, gamma, eta, asym, B: EXPERTS_B })], replicates: routers, steps, window: steps, seed: 1 };
}

function webgpuRunner(engine: ExpertEngine, N: number, routers: number): Runner {
  return async (steps, progress) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const session = await engine.open(expertPlan(N, routers, steps));
    try {
      await session.initialize();
      const total = routers * steps;
      await session.advance({ stepBegin: 0, stepEnd: steps, windowBegin: 0 }, (done) =>
        progress?.onProgress(progressReport(done, total, performance.now() - t0)),
      );
      const out = await session.read();
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(c0);
      let sq = 0;
      for (let i = 0; i < routers; i++) sq += out.sqCount[i];
      return { seconds, meanSquareShare: sq / (routers * steps * EXPERTS_B * EXPERTS_B), cores: (cpu.user + cpu.system) / 1e6 / seconds };
    } finally {
      session.close();
    }
  };
}

function numpyRunner(N: number, routers: number): Runner {
  const script = numpyScriptPath()!;
  const { T, gamma, eta, asym, aOverN } = EXPERTS_PARAMETERS;
  const params = ['--a', aOverN * N, '--T', T, '--gamma', gamma, '--eta', eta, '--asym', asym].map(String);
  return async (steps) => {
    const r = spawnSync('python3', [script, '--experts', String(N), ...params, String(routers), String(steps), String(EXPERTS_B)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (r.status !== 0 || r.error) throw new Error(`numpy_router.py --experts ${N} failed: ${(r.stderr ?? '').trim() || r.error?.message}`);
    const parsed = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { routerStepsPerSecond: number; meanSquareShare: number; cores: number };
    return { seconds: (routers * steps) / parsed.routerStepsPerSecond, meanSquareShare: parsed.meanSquareShare, cores: parsed.cores };
  };
}

export interface ExpertBenchOptions {
  quick?: boolean;
  experts?: readonly number[];
  engines?: readonly ExpertBenchEngine[];
  adapter?: AdapterChoice | undefined;
  strict?: boolean;
  log?: (line: string) => void;
  progress?: (label: string) => ProgressHandle;
}

export async function runExpertBenchmark(options: ExpertBenchOptions = {}): Promise<ExpertBenchReport> {
  const sizing = options.quick ? QUICK : FULL;
  const Ns = [...(options.experts ?? EXPERTS_DEFAULT)];
  const engines = options.engines ?? (['webgpu', 'numpy'] as const);
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const rows: ExpertBenchRow[] = [];
  const skipped: ExpertBenchReport['skipped'] = [];
  const skip = (engine: ExpertBenchEngine, reason: string) => {
    if (options.strict) throw new Error(`${engine}: ${reason}`);
    skipped.push({ engine, reason });
    log(`bench: skipping N-expert ${engine}: ${reason}`);
  };
  const push = (engine: ExpertBenchEngine, adapter: string, N: number, m: Awaited<ReturnType<typeof measure>>) => {
    rows.push({ engine, adapter, N, B: EXPERTS_B, ...m, expertStepsPerSecond: m.routerStepsPerSecond * N, ratioVsNumpy: null });
    log(`bench: ${engine} N=${N}: ${formatRate(m.routerStepsPerSecond)} router-steps/s (${m.routers} x ${m.steps} in ${m.seconds.toFixed(2)} s)`);
  };

  if (engines.includes('webgpu')) {
    let engine: Awaited<ReturnType<typeof createEngine>> | undefined;
    try {
      engine = await createEngine({ engine: 'webgpu', adapter: options.adapter, notice: log });
    } catch (err) {
      skip('webgpu', err instanceof Error ? err.message : String(err));
    }
    if (engine) {
      try {
        const experts = expertEngineFor(engine);
        for (const N of Ns) {
          const routers = Math.min(sizing.routers('webgpu', N), experts.maxRoutersAt(N));
          push(
            'webgpu',
            engine.info.adapter,
            N,
            await measure(routers, sizing, webgpuRunner(experts, N, routers), `webgpu N=${N}`, options.progress),
          );
        }
      } finally {
        await engine.dispose();
      }
    }
  }
  if (engines.includes('numpy')) {
    const probe = probeNumpy();
    if ('reason' in probe) skip('numpy', probe.reason);
    else {
      for (const N of Ns) {
        const routers = sizing.routers('numpy', N);
        push(
          'numpy',
          `numpy ${probe.version} (python ${probe.python}) multinomial`,
          N,
          await measure(routers, sizing, numpyRunner(N, routers), `numpy N=${N}`),
        );
      }
    }
  }
  for (const row of rows) {
    const peer = rows.find((r) => r.engine === 'numpy' && r.N === row.N);
    row.ratioVsNumpy = peer ? row.routerStepsPerSecond / peer.routerStepsPerSecond : null;
  }
  return { B: EXPERTS_B, parameters: EXPERTS_PARAMETERS, targetSeconds: sizing.targetSeconds, rows, skipped };
}

/** One line per N: each engine's rates side by side, and the ratio. */
export function formatExpertReport(report: ExpertBenchReport): string {
  const p = report.parameters;
  const lines = [
    `N-expert router (shaders/router_n.wgsl) vs NumPy Generator.multinomial, B=${report.B}, a=${p.aOverN}N gamma=${p.gamma} T=${p.T} ` +
      `eta=${p.eta} (balanced); timed runs aim at ${report.targetSeconds} s, end to end; cores: CPU time / wall time of the run`,
    '',
  ];
  const Ns = [...new Set(report.rows.map((r) => r.N))];
  const cell = (engine: ExpertBenchEngine, N: number) => report.rows.find((r) => r.engine === engine && r.N === N);
  const header = [
    'N',
    'webgpu router-steps/s',
    'expert-steps/s',
    'cores',
    'numpy router-steps/s',
    'expert-steps/s',
    'cores',
    'webgpu/numpy',
    'routers x steps (webgpu; numpy)',
    'sum m^2 (webgpu; numpy)',
  ];
  const rows = Ns.map((N) => {
    const g = cell('webgpu', N);
    const n = cell('numpy', N);
    const dash = (row: ExpertBenchRow | undefined, f: (r: ExpertBenchRow) => string) => (row ? f(row) : '-');
    return [
      String(N),
      dash(g, (r) => formatRate(r.routerStepsPerSecond)),
      dash(g, (r) => formatRate(r.expertStepsPerSecond)),
      dash(g, (r) => r.cores.toFixed(2)),
      dash(n, (r) => formatRate(r.routerStepsPerSecond)),
      dash(n, (r) => formatRate(r.expertStepsPerSecond)),
      dash(n, (r) => r.cores.toFixed(2)),
      g?.ratioVsNumpy != null ? `${g.ratioVsNumpy.toFixed(2)}x` : '-',
      `${dash(g, (r) => `${r.routers} x ${r.steps}`)}; ${dash(n, (r) => `${r.routers} x ${r.steps}`)}`,
      `${dash(g, (r) => r.meanSquareShare.toFixed(4))}; ${dash(n, (r) => r.meanSquareShare.toFixed(4))}`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i >= cells.length - 2 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  lines.push(
    rows.length > 0 ? [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') : '(no N-expert measurements)',
  );
  for (const s of report.skipped) lines.push(`skipped N-expert ${s.engine}: ${s.reason}`);
  return lines.join('\n');
}

interface ThroughputFlags extends BenchFlags {
  experts?: string;
  expertsOnly?: boolean;
  training?: boolean;
  trainingOnly?: boolean;
}

const program = addBenchFlags(new Command('throughput'))
  .description('moe-cusp throughput benchmark: router-steps/s of the WebGPU and CPU engines and the NumPy peer, two and N experts')
  .option(
    '--experts <list>',
    `comma-separated N for the N-expert rows, in [2, ${MAX_EXPERTS}] (default ${EXPERTS_DEFAULT.join(',')}); none: no N-expert rows`,
  )
  .option('--experts-only', 'only the N-expert rows')
  .option('--no-training', 'skip the training rows (models and sample-gradients per second)')
  .option('--training-only', 'only the training rows')
  .exitOverride()
  .configureOutput({ outputError: () => {} })
  .action(async (flags: ThroughputFlags) => {
    const options = benchOptionsFromFlags(flags);
    const experts =
      flags.experts === 'none'
        ? []
        : flags.experts === undefined
          ? EXPERTS_DEFAULT
          : parseIntegerListFlag('--experts', flags.experts, 2, MAX_EXPERTS);
    const progress = (label: string) => progressBar({ label });
    const only = flags.trainingOnly === true;
    const report: BenchReport | null = flags.expertsOnly || only ? null : await runBenchmark({ ...options, progress });
    const expertEngines = (options.engines ?? ['webgpu', 'numpy']).filter((e): e is ExpertBenchEngine => e === 'webgpu' || e === 'numpy');
    const expertReport =
      experts.length > 0 && expertEngines.length > 0 && !only
        ? await runExpertBenchmark({
            quick: options.quick === true,
            experts,
            engines: expertEngines,
            adapter: options.adapter,
            strict: options.strict === true,
            progress,
          })
        : null;
    const trainingEngines = (options.engines ?? ['webgpu', 'cpu']).filter((e): e is 'webgpu' | 'cpu' => e === 'webgpu' || e === 'cpu');
    const trainingReport =
      (flags.training !== false || only) && !flags.expertsOnly && trainingEngines.length > 0
        ? await runTrainingBenchmark({
            quick: options.quick === true,
            engines: trainingEngines,
            adapter: options.adapter,
            strict: options.strict === true,
            progress,
          })
        : null;
    if (flags.json) {
      process.stdout.write(JSON.stringify({ ...(report ?? {}), experts: expertReport, training: trainingReport }, null, 2) + '\n');
    } else {
      const parts = [
        report ? formatBenchReport(report) : null,
        expertReport ? formatExpertReport(expertReport) : null,
        trainingReport ? formatTrainingReport(trainingReport) : null,
      ];
      process.stdout.write(parts.filter((p) => p !== null).join('\n\n') + '\n');
    }
  });
program.parseAsync(process.argv).then(
  () => finish(0),
  (err) => finish(reportError(err)),
);

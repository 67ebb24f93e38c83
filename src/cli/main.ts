#!/usr/bin/env node
// The `moe-cusp` command line: `run`, `reproduce`, `analytic`, `sample`, `demo` and `bench`.
// Bad input prints `moe-cusp: <field>: <problem>` and exits 2 before any work or output;
// other failures exit 1.

import { Command, Option } from 'commander';
import { InputError, MAX_STEPS } from '../core/model.js';
import { PACKAGE_VERSION } from '../core/version.generated.js';
import { ADAPTER_CHOICES, ENGINE_CHOICES } from '../node/index.js';
import { addBenchFlags, benchCommand, type BenchFlags } from './bench.js';
import { DEMO_DEFAULTS, DEMO_TEMPERATURES, runDemo } from './demo.js';
import { finish, reportError } from './errors.js';
import { analyticReport, checkAnalyticInput, formatAnalytic } from './analytic.js';
import {
  MAX_SEED as MAX_RUN_SEED,
  mergeCommand,
  PRESET_IDS,
  reproduceCommand,
  resolveTarget,
  runCommand,
  SCALES,
  type EngineFlags,
  type OutputFlags,
} from './experiments.js';
import { parseChoiceFlag, parseChoiceListFlag, parseIntegerFlag, parseNumberFlag } from './flags.js';
import { sampleCommand, sampleExpertCommand, sampleExpertSpec, sampleSpec } from './sample.js';
import { resolveExpertTarget, runExpertCommand } from './experts.js';
import { EXPERT_PRESET_IDS } from '../experiments/experts/presets/index.js';
import { TRAINING_PRESET_IDS } from '../experiments/training/presets/index.js';
import { resolveTrainingTarget, runTrainingCommand } from './training.js';
import { resolveShard } from './shards.js';

interface DemoFlags {
  engine?: string;
  adapter?: string;
  seed?: string;
  replicates?: string;
  steps?: string;
  window?: string;
  json?: boolean;
}

const MAX_SEED = Number.MAX_SAFE_INTEGER;
const MAX_DEMO_REPLICATES = 2 ** 24;

interface RunFlags {
  engine?: string;
  adapter?: string;
  scale?: string;
  seed?: string;
  out?: string;
  json?: boolean;
  png?: boolean;
  report?: boolean;
  checkpointEvery?: string;
  resume?: boolean;
  resumeIfPresent?: boolean;
}

function parseRunFlags(flags: RunFlags) {
  const engine: EngineFlags = {
    engine: flags.engine === undefined ? undefined : parseChoiceFlag('--engine', flags.engine, ENGINE_CHOICES),
    adapter: flags.adapter === undefined ? undefined : parseChoiceFlag('--adapter', flags.adapter, ADAPTER_CHOICES),
  };
  const out: OutputFlags = { out: flags.out ?? 'out', json: flags.json === true, png: flags.png !== false, report: flags.report !== false };
  if (out.out.trim() === '') throw new InputError('--out', 'must be a folder path, got ""');
  return {
    engine,
    out,
    scale: flags.scale === undefined ? ('paper' as const) : parseChoiceFlag('--scale', flags.scale, SCALES),
    control: {
      checkpointEvery: flags.checkpointEvery === undefined ? 60 : parseNumberFlag('--checkpoint-every', flags.checkpointEvery, 0, 1e7),
      resume: flags.resume === true ? (true as const) : flags.resumeIfPresent === true ? ('if-present' as const) : (false as const),
    },
    seed: flags.seed === undefined ? undefined : parseIntegerFlag('--seed', flags.seed, 0, MAX_RUN_SEED),
  };
}

export function buildProgram(): Command {
  const program = new Command('moe-cusp')
    .description('WebGPU simulation of the stochastic two-expert softmax MoE batch router (Kiselev, arXiv:2605.29121)')
    .version(PACKAGE_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--verbose', "show the GPU runtime's (Dawn's) own diagnostic messages on stderr")
    .showSuggestionAfterError(true)
    .exitOverride()
    // errors are printed by reportError, as `moe-cusp: <field>: <problem>`
    .configureOutput({ outputError: () => {} });

  program
    .command('demo')
    .description(
      `short scan in T through the pitchfork at T_c = 1.5 (a=3, gamma=1, B=512, eta=0.002, h=0), ` +
        `T in ${DEMO_TEMPERATURES.join(',')}: mean |u_hat|, Var(y) and the linear-noise prediction`,
    )
    .option('--engine <name>', `${ENGINE_CHOICES.join(', ')} (default: MOE_CUSP_ENGINE, else auto)`)
    .option('--adapter <name>', `WebGPU adapter: ${ADAPTER_CHOICES.join(', ')} (default: MOE_CUSP_ADAPTER, else auto)`)
    .option('--seed <n>', `random key (seed of every stream), integer in [0, ${MAX_SEED}] (default ${DEMO_DEFAULTS.seed})`)
    .option('--replicates <n>', `routers per temperature, integer in [1, ${MAX_DEMO_REPLICATES}] (default ${DEMO_DEFAULTS.replicates})`)
    .option('--steps <n>', `steps per router, integer in [1, ${MAX_STEPS}] (default ${DEMO_DEFAULTS.steps})`)
    .option('--window <n>', 'steps at the end averaged for |u_hat|, integer in [1, steps] (default steps/10)')
    .option('--json', 'print the result as JSON on stdout instead of the table')
    .action(async (flags: DemoFlags) => {
      const steps = parseIntegerFlag('--steps', flags.steps ?? String(DEMO_DEFAULTS.steps), 1, MAX_STEPS);
      await runDemo({
        engine: flags.engine === undefined ? undefined : parseChoiceFlag('--engine', flags.engine, ENGINE_CHOICES),
        adapter: flags.adapter === undefined ? undefined : parseChoiceFlag('--adapter', flags.adapter, ADAPTER_CHOICES),
        seed: parseIntegerFlag('--seed', flags.seed ?? String(DEMO_DEFAULTS.seed), 0, MAX_SEED),
        replicates: parseIntegerFlag('--replicates', flags.replicates ?? String(DEMO_DEFAULTS.replicates), 1, MAX_DEMO_REPLICATES),
        steps,
        window: flags.window === undefined ? undefined : parseIntegerFlag('--window', flags.window, 1, steps),
        json: flags.json === true,
      });
    });

  const engineOptions = (cmd: Command) =>
    cmd
      .option('--engine <name>', `${ENGINE_CHOICES.join(', ')} (default: MOE_CUSP_ENGINE, else auto)`)
      .option('--adapter <name>', `WebGPU adapter: ${ADAPTER_CHOICES.join(', ')} (default: MOE_CUSP_ADAPTER, else auto)`);
  const runOptions = (cmd: Command) =>
    engineOptions(cmd)
      .option('--scale <name>', `${SCALES.join(', ')} (default paper)`)
      .option('--seed <n>', `integer in [0, ${MAX_RUN_SEED}]; scan i of an experiment uses seed + i (default: 1, or the spec's)`)
      .option('--out <dir>', 'output folder (default out)')
      .option('--json', 'print the result as JSON on stdout')
      .option('--no-png', 'skip the PNG figures')
      .option('--no-report', 'skip report.html')
      .option(
        '--checkpoint-every <seconds>',
        'write a checkpoint (router state, progress) this often; 0 = only when SIGTERM/SIGINT stops the run (default 60)',
      )
      .addOption(
        new Option('--resume', 'continue from the checkpoint in <out>/checkpoints (same spec, seed, scale, shard and version)').conflicts(
          'resumeIfPresent',
        ),
      )
      .option('--resume-if-present', 'resume when a checkpoint exists, else start afresh (restarted batch jobs)');

  runOptions(
    program
      .command('run')
      .argument(
        '<target>',
        `a preset (${[...PRESET_IDS, ...EXPERT_PRESET_IDS, ...TRAINING_PRESET_IDS].join(', ')}) or a spec file (JSON, see README)`,
      )
      .description('run one experiment: writes <out>/<name>/result.json, CSVs, PNGs and <out>/report.html'),
  )
    .option('--shard <i/n>', 'run only shard i of n (0-based) and write a part for `merge`')
    .option('--shards <n>', 'shard count, the index taken from JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID (Slurm)')
    .action(async (target: string, flags: RunFlags & { shard?: string; shards?: string }) => {
      const parsed = parseRunFlags(flags);
      const shard = resolveShard(flags.shard, flags.shards);
      const training = resolveTrainingTarget(target);
      const experts = training ? null : resolveExpertTarget(target);
      if (training) await runTrainingCommand(training, parsed.scale, parsed.seed, parsed.engine, parsed.out, { ...parsed.control, shard });
      else if (experts) await runExpertCommand(experts, parsed.scale, parsed.seed, parsed.engine, parsed.out, { ...parsed.control, shard });
      else await runCommand(resolveTarget(target), parsed.scale, parsed.seed, parsed.engine, parsed.out, { ...parsed.control, shard });
    });

  runOptions(program.command('reproduce').description('run every preset of the paper at one scale and write one report (<out>/report.html)'))
    .option('--only <list>', `comma-separated subset of ${[...PRESET_IDS, ...EXPERT_PRESET_IDS, ...TRAINING_PRESET_IDS].join(',')}`)
    .action(async (flags: RunFlags & { only?: string }) => {
      const parsed = parseRunFlags(flags);
      const only =
        flags.only === undefined
          ? undefined
          : parseChoiceListFlag('--only', flags.only, [...PRESET_IDS, ...EXPERT_PRESET_IDS, ...TRAINING_PRESET_IDS]);
      await reproduceCommand(parsed.scale, parsed.seed, parsed.engine, parsed.out, only, parsed.control);
    });

  program
    .command('merge')
    .argument('<parts...>', 'part files, or folders holding them (searched two levels deep)')
    .description('check that shard parts cover one experiment exactly once and write the outputs a single run would')
    .option('--out <dir>', 'output folder (default out)')
    .option('--json', 'print the result as JSON on stdout')
    .option('--no-png', 'skip the PNG figures')
    .option('--no-report', 'skip report.html')
    .action((parts: string[], flags: RunFlags) => {
      mergeCommand(parts, parseRunFlags(flags).out);
    });

  const num = (flag: string, raw: string | undefined, fallback?: number) =>
    raw === undefined ? fallback : parseNumberFlag(flag, raw, -Infinity, Infinity);
  program
    .command('analytic')
    .description(
      "the theory's numbers for one parameter point: T_c, H(a), equilibria and their stability, folds, cusp normal form, linear-noise Var(y)",
    )
    .option('--a <x>', 'reinforcement (default 3)')
    .option('--T <x>', 'temperature (default 1)')
    .option('--gamma <x>', 'forgetting (default 1)')
    .option('--h <x>', 'skew (default 0)')
    .option('--rho <x>', 'negative load feedback (default 0)')
    .option('--B <n>', 'tokens per step (with --eta: linear-noise variance)')
    .option('--eta <x>', 'step size (with --B)')
    .option('--N <n>', 'number of experts for the N-expert threshold (default 2)')
    .option('--json', 'print JSON on stdout')
    .action((flags: Record<string, string | boolean | undefined>) => {
      const s = (k: string) => flags[k] as string | undefined;
      const input = checkAnalyticInput({
        a: num('--a', s('a'), 3)!,
        T: num('--T', s('T'), 1)!,
        gamma: num('--gamma', s('gamma'), 1)!,
        h: num('--h', s('h'), 0)!,
        rho: num('--rho', s('rho'), 0)!,
        B: num('--B', s('B')),
        eta: num('--eta', s('eta')),
        N: num('--N', s('N'), 2)!,
      });
      const report = analyticReport(input);
      process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatAnalytic(report) + '\n');
    });

  const sample = engineOptions(
    program.command('sample').description('per-replicate final window mean u_hat, |u_hat|, u_hat^2 and final y at one parameter point, as CSV'),
  );
  for (const [k, help] of [
    ['a', 'reinforcement'],
    ['T', 'temperature'],
    ['gamma', 'forgetting'],
    ['h', 'skew (default 0)'],
    ['rho', 'negative load feedback (default 0)'],
    ['B', 'tokens per step'],
    ['eta', 'step size'],
    ['y0', 'initial y (default 0)'],
    ['asym', 'half-width of the random initial asymmetry (default 0)'],
    ['replicates', 'routers (default 1000)'],
    ['steps', 'steps (default 10000)'],
    ['window', 'last steps averaged (default steps/10)'],
    ['seed', 'seed (default 1)'],
  ]) {
    sample.option(`--${k} <x>`, help);
  }
  sample
    .option('--N <n>', 'experts: the N-expert router (MODEL.md sec. 5), integer in [2, 256] (default: the two-expert router)')
    .option('--b <list>', 'with --N: per-expert drift b1,..,bN (default 0)')
    .option('--r0 <list>', 'with --N: initial scores x1,..,xN (default 0)')
    .option('--bias-rate <u>', 'with --N: loss-free bias rate u >= 0 (default 0)')
    .option('--bias-mode <mode>', 'with --N: linear or sign (default linear when --bias-rate > 0)')
    .option('--cf <x>', 'with --N: capacity factor, each expert takes at most ceil(cf B / N) tokens (default 0: none)');
  sample.option('--output <file>', 'write the CSV here instead of stdout').action(async (flags: Record<string, string | undefined>) => {
    const values: Record<string, number | undefined> = {};
    for (const k of ['a', 'T', 'gamma', 'h', 'rho', 'B', 'eta', 'y0', 'asym', 'replicates', 'steps', 'window', 'seed']) {
      values[k] = num(`--${k}`, flags[k]);
    }
    const engine: EngineFlags = {
      engine: flags.engine === undefined ? undefined : parseChoiceFlag('--engine', flags.engine, ENGINE_CHOICES),
      adapter: flags.adapter === undefined ? undefined : parseChoiceFlag('--adapter', flags.adapter, ADAPTER_CHOICES),
    };
    const nOnly = ['b', 'r0', 'biasRate', 'biasMode', 'cf'].find((k) => flags[k] !== undefined);
    if (flags.N === undefined && nOnly)
      throw new InputError(`--${nOnly.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, 'needs --N (the N-expert router)');
    if (flags.N !== undefined) {
      const N = parseIntegerFlag('--N', flags.N, 2, 256);
      const spec = sampleExpertSpec(values, {
        N,
        b: flags.b,
        r0: flags.r0,
        biasRate: num('--bias-rate', flags.biasRate),
        biasMode: flags.biasMode,
        cf: num('--cf', flags.cf),
      });
      await sampleExpertCommand(spec, engine, flags.output);
    } else await sampleCommand(sampleSpec(values), engine, flags.output);
  });

  addBenchFlags(program.command('bench'))
    .description('throughput: router-steps/s and tokens/s of the WebGPU and CPU engines (and NumPy, if present) at B = 64, 512, 4096')
    .action(async (flags: BenchFlags) => {
      await benchCommand(flags);
    });

  return program;
}

// The commands that load Dawn run in a child behind a filter for Dawn's stderr noise (launch.ts).
const { relaunchWithFilteredStderr } = await import('./launch.js');
if (!relaunchWithFilteredStderr(process.argv)) {
  buildProgram()
    .parseAsync(process.argv)
    .then(
      () => finish(0),
      (err: unknown) => finish(reportError(err)),
    );
}

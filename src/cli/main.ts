#!/usr/bin/env node
// The `moe-cusp` command line: `demo` (a short temperature scan through the pitchfork) and
// `bench` (throughput). Bad input prints `moe-cusp: <field>: <problem>` and exits 2; other
// failures exit 1.

import { Command } from 'commander';
import { MAX_STEPS } from '../core/model.js';
import { PACKAGE_VERSION } from '../core/version.generated.js';
import { ADAPTER_CHOICES, ENGINE_CHOICES } from '../node/index.js';
import { addBenchFlags, benchCommand, type BenchFlags } from '../../bench/throughput.js';
import { DEMO_DEFAULTS, DEMO_TEMPERATURES, runDemo } from './demo.js';
import { finish, reportError } from './errors.js';
import { parseChoiceFlag, parseIntegerFlag } from './flags.js';

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

export function buildProgram(): Command {
  const program = new Command('moe-cusp')
    .description('WebGPU simulation of the stochastic two-expert softmax MoE batch router (Kiselev, arXiv:2605.29121)')
    .version(PACKAGE_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    // errors are printed by reportError, as `moe-cusp: <field>: <problem>`
    .configureOutput({ outputError: () => {} });

  program.command('demo')
    .description(`short scan in T through the pitchfork at T_c = 1.5 (a=3, gamma=1, B=512, eta=0.002, h=0), `
      + `T in ${DEMO_TEMPERATURES.join(',')}: mean |u_hat|, Var(y) and the linear-noise prediction`)
    .option('--engine <name>', `${ENGINE_CHOICES.join(', ')} (default: MOE_CUSP_ENGINE, else auto)`)
    .option('--adapter <name>', `WebGPU adapter: ${ADAPTER_CHOICES.join(', ')} (default: MOE_CUSP_ADAPTER, else auto)`)
    .option('--seed <n>', `Philox key, integer in [0, ${MAX_SEED}] (default ${DEMO_DEFAULTS.seed})`)
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

  addBenchFlags(program.command('bench'))
    .description('throughput: router-steps/s and tokens/s of the WebGPU and CPU engines (and NumPy, if present) at B = 64, 512, 4096')
    .action(async (flags: BenchFlags) => {
      await benchCommand(flags);
    });

  return program;
}

buildProgram().parseAsync(process.argv).then(() => finish(0), (err: unknown) => finish(reportError(err)));

// `moe-cusp sample`: one grid cell of routers relaxed from flags, written out per router
// (window means and final y) as CSV, for looking at the distribution across replicates.

import { BIAS_MODES, type ExpertReadout } from '../core/experts.js';
import { InputError } from '../core/model.js';
import { progressReport } from '../core/scan.js';
import { PACKAGE_VERSION } from '../core/version.generated.js';
import { engineCell, parseExpertSpec, type ExpertScanSpec } from '../experiments/experts/spec.js';
import { runSpec, type SpecRun } from '../experiments/protocols.js';
import { expertEngineFor } from '../node/engines.js';
import { parseSpec, validateSpecFor, type ParsedSpec } from '../experiments/spec.js';
import { writeFileAtomic } from '../node/outputs.js';
import { type EngineFlags, withEngine } from './experiments.js';
import { progressBar } from './progress.js';

/** A one-cell relax spec from flags, validated like any spec (errors name the flag's field). */
export function sampleSpec(values: Record<string, number | undefined>): ParsedSpec {
  const params: Record<string, number> = {};
  for (const k of ['a', 'T', 'gamma', 'h', 'rho', 'B', 'eta']) if (values[k] !== undefined) params[k] = values[k]!;
  const steps = values.steps ?? 10000;
  return parseSpec({
    name: 'sample',
    params,
    axes: [],
    replicates: values.replicates ?? 1000,
    steps,
    window: values.window ?? Math.max(1, Math.round(steps / 10)),
    initial: { y0: values.y0 ?? 0, asym: values.asym ?? 0 },
    seed: values.seed ?? 1,
    protocol: { kind: 'relax' },
  });
}

export async function sampleCommand(spec: ParsedSpec, engineFlags: EngineFlags, outFile: string | undefined): Promise<void> {
  await withEngine(engineFlags, async (engine) => {
    validateSpecFor(spec, engine.maxRouters);
    const bar = progressBar({ label: 'sample' });
    let result: SpecRun;
    try {
      result = await runSpec(engine, spec, { keepPerRouter: true, onProgress: bar.onProgress });
    } finally {
      bar.stop();
    }
    const m = result.perRouter!;
    const p = result.provenance;
    let csv =
      `# moe-cusp ${p.version} sample: ${JSON.stringify(spec.params)} y0=${spec.initial.y0} asym=${spec.initial.asym} ` +
      `steps=${spec.steps} window=${spec.window} seed=${spec.seed} engine=${p.engine} adapter=${p.adapter}\n` +
      'replicate,mean_u,mean_abs_u,mean_u2,final_y\n';
    for (let r = 0; r < m.finalY.length; r++) csv += `${r},${m.meanLoad[r]},${m.meanAbsLoad[r]},${m.meanSqLoad[r]},${m.finalY[r]}\n`;
    if (outFile) writeFileAtomic(outFile, csv);
    else process.stdout.write(csv);
  });
}

/** `sample --N`: flags of the N-expert router (lists are comma-separated). */
export interface ExpertSampleFlags {
  N: number;
  b?: string | undefined;
  r0?: string | undefined;
  biasRate?: number | undefined;
  biasMode?: string | undefined;
  cf?: number | undefined;
}

function numberList(flag: string, raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((x) => x.trim());
  return items.map((x, i) => {
    const v = x === '' ? NaN : Number(x);
    if (!Number.isFinite(v))
      throw new InputError(flag, `must be a comma-separated list of finite numbers; item ${i + 1} is ${JSON.stringify(x.slice(0, 40))}`);
    return v;
  });
}

/** A one-cell N-expert relax spec from flags, validated like any N-expert spec (errors name the flag). */
export function sampleExpertSpec(values: Record<string, number | undefined>, flags: ExpertSampleFlags): ExpertScanSpec {
  if (values.h !== undefined && values.h !== 0) throw new InputError('--h', 'with --N the drift is per expert: give --b b1,..,bN');
  if (values.y0 !== undefined) throw new InputError('--y0', 'with --N the initial state is per expert: give --r0 x1,..,xN');
  const b = numberList('--b', flags.b);
  const r0 = numberList('--r0', flags.r0);
  const mode = flags.biasMode ?? (flags.biasRate !== undefined && flags.biasRate > 0 ? 'linear' : 'off');
  if (!(BIAS_MODES as readonly string[]).includes(mode))
    throw new InputError('--bias-mode', `must be one of ${BIAS_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  const params: Record<string, number> = { N: flags.N, u: flags.biasRate ?? 0, cf: flags.cf ?? 0 };
  for (const k of ['a', 'T', 'gamma', 'rho', 'B', 'eta']) if (values[k] !== undefined) params[k] = values[k]!;
  const steps = values.steps ?? 10000;
  const rename: Record<string, string> = {
    N: '--N',
    b: '--b',
    'initial.r0': '--r0',
    'params.u': '--bias-rate',
    'params.cf': '--cf',
    bias: '--bias-mode',
  };
  try {
    return parseExpertSpec({
      model: 'experts',
      name: 'sample',
      params,
      ...(b && { b }),
      bias: mode,
      replicates: values.replicates ?? 1000,
      steps,
      window: values.window ?? Math.max(1, Math.round(steps / 10)),
      initial: { asym: values.asym ?? 0, ...(r0 && { r0 }) },
      seed: values.seed ?? 1,
    });
  } catch (err) {
    // name the flag rather than the spec field where they differ
    if (err instanceof InputError) {
      const field = err.field.replace(/^params\./, '');
      const flag = rename[err.field] ?? rename[field] ?? (err.field.startsWith('params.') ? `--${field}` : err.field);
      throw new InputError(flag, err.problem);
    }
    throw err;
  }
}

/** One CSV row per replicate: window means of the max share, 1/sum l^2, dead experts, drops, each share; final S, r and beta. */
export async function sampleExpertCommand(spec: ExpertScanSpec, engineFlags: EngineFlags, outFile: string | undefined): Promise<void> {
  await withEngine(engineFlags, async (engine) => {
    const experts = expertEngineFor(engine);
    const N = spec.params.N;
    const cell = engineCell(spec, spec.params, 'balanced');
    const plan = { N, cells: [cell], replicates: spec.replicates, steps: spec.steps, window: spec.window, seed: spec.seed };
    const session = await experts.open(plan);
    const bar = progressBar({ label: 'sample' });
    let r: ExpertReadout;
    const started = performance.now();
    try {
      await session.initialize();
      const total = spec.steps * spec.replicates;
      await session.advance({ stepBegin: 0, stepEnd: spec.steps, windowBegin: spec.steps - spec.window }, (done) =>
        bar.onProgress(progressReport(done, total, performance.now() - started)),
      );
      r = await session.read();
    } finally {
      bar.stop();
      session.close();
    }
    const bw = cell.B * spec.window;
    const bias = spec.bias !== 'off';
    const cols = ['replicate', 'mean_max_load', 'effective_experts', 'mean_dead', 'drop_fraction', 'final_contrast'];
    for (let j = 1; j <= N; j++) cols.push(`mean_share_${j}`);
    for (let j = 1; j <= N; j++) cols.push(`final_r${j}`);
    if (bias) for (let j = 1; j <= N; j++) cols.push(`final_beta${j}`);
    let csv =
      `# moe-cusp ${PACKAGE_VERSION} sample: N=${N} ${JSON.stringify(spec.params)} bias=${spec.bias} b=${JSON.stringify(cell.b)} r0=${JSON.stringify(cell.r0)} ` +
      `asym=${cell.asym} steps=${spec.steps} window=${spec.window} seed=${spec.seed} engine=${experts.info.engine} adapter=${experts.info.adapter}\n` +
      cols.join(',') +
      '\n';
    for (let i = 0; i < spec.replicates; i++) {
      const rs = Array.from(r.r.subarray(i * N, (i + 1) * N));
      const mean = rs.reduce((s, x) => s + x, 0) / N;
      const S = rs.reduce((s, x) => s + (x - mean) ** 2, 0);
      const row = [i, r.maxCount[i] / bw, (cell.B * bw) / r.sqCount[i], r.dead[i] / spec.window, r.dropped[i] / bw, S];
      for (let j = 0; j < N; j++) row.push(r.counts[i * N + j] / bw);
      row.push(...rs);
      if (bias) row.push(...Array.from(r.beta.subarray(i * N, (i + 1) * N)));
      csv += row.join(',') + '\n';
    }
    if (outFile) writeFileAtomic(outFile, csv);
    else process.stdout.write(csv);
  });
}

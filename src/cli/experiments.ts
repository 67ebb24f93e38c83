// `moe-cusp run`, `reproduce`, `analytic` and `sample`: the experiments of the paper and a
// user's own scans from the command line. Everything a run needs (flags, the spec file) is
// checked before any engine starts or any file is written, so bad input exits 2 with
// nothing on disk.

import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  criticalReinforcement, criticalTemperature, cuspNormalForm, equilibria, foldPoints, hysteresisHalfWidth,
  linearNoiseVariance, nExpertCriticalReinforcement,
} from '../analytics/theory.js';
import type { Engine } from '../core/engine.js';
import { CELL_RANGES, InputError, checkNumber } from '../core/model.js';
import { isPresetId, PRESET_IDS, SCALES, type PresetId, type Scale } from '../experiments/presets.js';
import { runSpec } from '../experiments/protocols.js';
import {
  checkResume, completeExperiment, mergeParts, runExperimentPart, targetSpecs, type ExperimentCheckpoint, type ExperimentPart,
  type ExperimentTarget, type Shard,
} from '../experiments/run.js';
import { parseSpec, parseSpecText, validateSpecFor } from '../experiments/spec.js';
import type { Estimate, ExperimentResult, ScanSpec } from '../experiments/types.js';
import { createEngine, type AdapterChoice, type EngineChoice } from '../node/index.js';
import { toJson, writeExperiment, writeFileAtomic, writeReport } from '../node/outputs.js';
import { checkpointFileName, findPartFiles, partFileName, readCheckpoint, readPart, writeCheckpoint, writePart } from '../node/parts.js';
import { provenanceLine } from './demo.js';
import { progressBar } from './progress.js';

export const MAX_SEED = Number.MAX_SAFE_INTEGER - 64;

export interface EngineFlags {
  engine?: EngineChoice;
  adapter?: AdapterChoice;
}

export interface OutputFlags {
  out: string;
  json: boolean;
  png: boolean;
  report: boolean;
}

/** A preset name or a path to a spec file, resolved and validated up front. */
export type Target = { kind: 'preset'; id: PresetId } | { kind: 'spec'; path: string; spec: ScanSpec };

export function resolveTarget(raw: string): Target {
  if (isPresetId(raw)) return { kind: 'preset', id: raw };
  if (!existsSync(raw)) {
    throw new InputError('target', `must be a preset (${PRESET_IDS.join(', ')}) or a spec file (.json); no such file: ${JSON.stringify(raw)}`);
  }
  let text: string;
  try {
    text = readFileSync(raw, 'utf8');
  } catch (err) {
    throw new InputError(raw, `cannot read the spec file: ${(err as Error).message}`);
  }
  return { kind: 'spec', path: resolve(raw), spec: parseSpecText(text) };
}

async function withEngine<T>(flags: EngineFlags, body: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await createEngine({ engine: flags.engine, adapter: flags.adapter });
  try {
    process.stderr.write(provenanceLine(engine.info) + '\n');
    return await body(engine);
  } finally {
    await engine.dispose();
  }
}

function fmt(x: number | undefined | null, digits = 4): string {
  if (x === undefined || x === null || !Number.isFinite(x)) return '-';
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(digits - 1) : String(Number(x.toPrecision(digits)));
}

/** The estimate table printed after a run. */
export function formatEstimates(estimates: Estimate[]): string {
  const rows = estimates.map((e) => {
    const gap = e.prediction !== undefined && Number.isFinite(e.value) ? e.value - e.prediction : NaN;
    const sigma = e.se && e.se > 0 ? gap / e.se : NaN;
    return [e.name, `${fmt(e.value)}${e.se ? ` +- ${fmt(e.se, 2)}` : ''}`, fmt(e.prediction),
      Number.isFinite(gap) ? `${fmt(gap, 3)}${Number.isFinite(sigma) ? ` (${sigma.toFixed(1)} se)` : ''}` : '-'];
  });
  const header = ['estimate', 'value', 'prediction', 'gap'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function summary(result: ExperimentResult): string {
  const steps = result.provenance.reduce((s, p) => s + p.routerSteps, 0);
  const ms = result.provenance.reduce((s, p) => s + p.elapsedMs, 0);
  return `${result.title} [${result.scale}]: ${steps.toExponential(3)} router-steps in ${(ms / 1000).toFixed(1)} s `
    + `(${(steps / ms / 1e3).toFixed(1)} M/s)\n${formatEstimates(result.estimates)}\n`;
}

export interface RunControl {
  shard?: Shard;
  /** seconds between checkpoints; 0 = none */
  checkpointEvery: number;
  /** true: resume (the checkpoint must exist); 'if-present': resume when there is one */
  resume: boolean | 'if-present';
}

function experimentTarget(target: Target, scale: Scale, seed: number | undefined): ExperimentTarget {
  if (target.kind === 'preset') return { kind: 'preset', id: target.id, scale, seed: seed ?? 1 };
  return { kind: 'spec', spec: seed === undefined ? target.spec : { ...target.spec, seed } };
}

function targetId(target: ExperimentTarget): string {
  return target.kind === 'preset' ? target.id : (target.spec.name ?? 'scan');
}

/** Runs one experiment (or its shard) with progress and checkpoints, from `resume` if given. */
async function runOne(engine: Engine, target: ExperimentTarget, out: string, control: RunControl, resume?: ExperimentCheckpoint): Promise<ExperimentPart> {
  const id = targetId(target);
  const shard = control.shard ?? { index: 0, count: 1 };
  const dir = join(out, id);
  const checkpointPath = join(dir, checkpointFileName(id, shard));
  const bar = progressBar({ label: shard.count > 1 ? `${id} ${shard.index}/${shard.count}` : id });
  try {
    return await runExperimentPart(engine, target, {
      shard, resume, onProgress: bar.onProgress,
      checkpoint: control.checkpointEvery > 0 ? {
        intervalMs: control.checkpointEvery * 1000,
        save: (c) => {
          mkdirSync(dir, { recursive: true });
          writeCheckpoint(checkpointPath, c);
        },
      } : undefined,
    });
  } finally {
    bar.stop();
  }
}

function removeCheckpoint(out: string, part: ExperimentPart): void {
  rmSync(join(out, part.id, checkpointFileName(part.id, part.shard)), { force: true });
}

function checkFits(target: ExperimentTarget, engine: Engine): void {
  for (const s of targetSpecs(target)) validateSpecFor(s, engine.maxRouters);
}

export async function runCommand(target: Target, scale: Scale, seed: number | undefined, engineFlags: EngineFlags, out: OutputFlags, control: RunControl): Promise<void> {
  const t = experimentTarget(target, scale, seed);
  // A missing or foreign checkpoint is bad input: refused before any engine starts.
  const shard = control.shard ?? { index: 0, count: 1 };
  const checkpointPath = join(out.out, targetId(t), checkpointFileName(targetId(t), shard));
  const resume = control.resume === true || (control.resume === 'if-present' && existsSync(checkpointPath))
    ? readCheckpoint(checkpointPath) : undefined;
  if (resume) checkResume(t, shard, resume);
  await withEngine(engineFlags, async (engine) => {
    checkFits(t, engine);
    const part = await runOne(engine, t, out.out, control, resume);
    if (part.shard.count > 1) {
      // A shard leaves its part; `moe-cusp merge` turns all parts into the outputs.
      const path = join(out.out, part.id, partFileName(part.id, part.shard));
      mkdirSync(join(out.out, part.id), { recursive: true });
      writePart(path, part);
      removeCheckpoint(out.out, part);
      const steps = part.scans.reduce((n, s) => n + s.provenance.routerSteps, 0);
      process.stdout.write(out.json ? toJson({ part: path, shard: part.shard, routerSteps: steps })
        : `shard ${part.shard.index}/${part.shard.count} of ${part.id}: ${steps.toExponential(3)} router-steps; part written to ${resolve(path)}\n`);
      return;
    }
    const result = completeExperiment(part);
    writeExperiment(out.out, result, { png: out.png });
    if (out.report) writeReport(out.out, result.title, [result]);
    removeCheckpoint(out.out, part);
    if (out.json) process.stdout.write(toJson(result));
    else process.stdout.write(summary(result) + `outputs: ${resolve(out.out, result.id)}${out.report ? `, ${resolve(out.out, 'report.html')}` : ''}\n`);
  });
}

export async function reproduceCommand(scale: Scale, seed: number | undefined, engineFlags: EngineFlags, out: OutputFlags, only: PresetId[] | undefined, control: RunControl): Promise<void> {
  await withEngine(engineFlags, async (engine) => {
    const ids = only ?? [...PRESET_IDS];
    const targets = ids.map((id) => experimentTarget({ kind: 'preset', id }, scale, seed));
    for (const t of targets) checkFits(t, engine);
    const results: ExperimentResult[] = [];
    for (const t of targets) {
      const path = join(out.out, targetId(t), checkpointFileName(targetId(t), { index: 0, count: 1 }));
      const resume = control.resume !== false && existsSync(path) ? readCheckpoint(path) : undefined;
      const part = await runOne(engine, t, out.out, { ...control, shard: undefined }, resume);
      const result = completeExperiment(part);
      writeExperiment(out.out, result, { png: out.png });
      removeCheckpoint(out.out, part);
      results.push(result);
      if (!out.json) process.stdout.write(summary(result) + '\n');
    }
    if (out.report) writeReport(out.out, `moe-cusp: the paper's experiments at ${scale} scale`, results);
    if (out.json) process.stdout.write(toJson(results));
    else process.stdout.write(`outputs: ${resolve(out.out)}${out.report ? ` (open ${resolve(out.out, 'report.html')})` : ''}\n`);
  });
}

/** `merge`: checks the parts (all before writing anything), then writes what a single run would. */
export function mergeCommand(paths: string[], out: OutputFlags): void {
  const files = findPartFiles(paths);
  const byId = new Map<string, { label: string; part: ExperimentPart }[]>();
  for (const file of files) {
    const part = readPart(file);
    byId.set(part.id, [...(byId.get(part.id) ?? []), { label: file, part }]);
  }
  const results = [...byId.values()].map((parts) => completeExperiment(mergeParts(parts)));
  for (const result of results) writeExperiment(out.out, result, { png: out.png });
  if (out.report) writeReport(out.out, results.length === 1 ? results[0].title : 'moe-cusp: merged experiments', results);
  if (out.json) process.stdout.write(toJson(results.length === 1 ? results[0] : results));
  else for (const r of results) process.stdout.write(summary(r) + `outputs: ${resolve(out.out, r.id)}\n`);
}

/**
 * The shard of this process: --shard i/n, or --shards n with the index from a batch
 * scheduler (Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX; Slurm job arrays:
 * SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN).
 */
export function resolveShard(shardFlag: string | undefined, shardsFlag: string | undefined, env = process.env): Shard | undefined {
  if (shardFlag !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(shardFlag.trim());
    const shard = m && { index: Number(m[1]), count: Number(m[2]) };
    if (!shard || shard.count < 1 || shard.index >= shard.count || shard.count > 1_000_000) {
      throw new InputError('--shard', `must be i/n with 0 <= i < n <= 1000000, got ${JSON.stringify(shardFlag)}`);
    }
    if (shardsFlag !== undefined && Number(shardsFlag) !== shard.count) throw new InputError('--shards', `contradicts --shard ${shardFlag}`);
    return shard;
  }
  if (shardsFlag === undefined) return undefined;
  const count = Number(shardsFlag);
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) throw new InputError('--shards', `must be an integer in [1, 1000000], got ${JSON.stringify(shardsFlag)}`);
  const sources: [string, number][] = [];
  if (env.JOB_COMPLETION_INDEX !== undefined) sources.push(['JOB_COMPLETION_INDEX', Number(env.JOB_COMPLETION_INDEX)]);
  else if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    sources.push(['SLURM_ARRAY_TASK_ID', Number(env.SLURM_ARRAY_TASK_ID) - Number(env.SLURM_ARRAY_TASK_MIN ?? 0)]);
  }
  if (sources.length === 0) {
    throw new InputError('--shards', 'needs --shard i/n, or the shard index in JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID (Slurm)');
  }
  const [name, index] = sources[0];
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new InputError(name, `gives shard index ${index}, must be an integer in [0, ${count - 1}] for --shards ${count}`);
  }
  return { index, count };
}

// ---------------------------------------------------------------------------------------
// analytic
// ---------------------------------------------------------------------------------------

export interface AnalyticInput { a: number; T: number; gamma: number; h: number; rho: number; B?: number; eta?: number; N: number }

export function analyticReport(p: AnalyticInput) {
  const params = { a: p.a, T: p.T, gamma: p.gamma, h: p.h, rho: p.rho };
  const H = hysteresisHalfWidth(p.a, p.gamma, p.T, p.rho);
  const lnaVar = p.B !== undefined && p.eta !== undefined ? linearNoiseVariance(params, p.B, p.eta) : undefined;
  return {
    parameters: p,
    aEff: p.a - p.rho,
    criticalTemperature: criticalTemperature(params),
    criticalReinforcement: criticalReinforcement(params),
    nExpertCriticalReinforcement: { N: p.N, a: nExpertCriticalReinforcement(p.N, p.gamma, p.T) },
    hysteresisHalfWidth: H,
    hysteresisWidth: 2 * H,
    bistable: H > 0 && Math.abs(p.h) < H,
    equilibria: equilibria(params),
    foldPoints: foldPoints(params),
    cuspNormalForm: cuspNormalForm(params),
    linearNoiseVariance: lnaVar === undefined ? null : Number.isFinite(lnaVar) ? lnaVar : null,
  };
}

export function formatAnalytic(r: ReturnType<typeof analyticReport>): string {
  const p = r.parameters;
  const lines = [
    `a=${p.a} T=${p.T} gamma=${p.gamma} h=${p.h} rho=${p.rho} (a_eff = ${fmt(r.aEff)})`,
    `T_c = a_eff/(2 gamma) = ${fmt(r.criticalTemperature, 6)};  a_c = 2 gamma T + rho = ${fmt(r.criticalReinforcement, 6)};  `
      + `N=${p.N} experts: a_c = N gamma T = ${fmt(r.nExpertCriticalReinforcement.a, 6)}`,
    `H(a_eff) = ${fmt(r.hysteresisHalfWidth, 6)};  width 2H = ${fmt(r.hysteresisWidth, 6)};  bistable at this h: ${r.bistable ? 'yes' : 'no'}`,
    `cusp normal form: mu = ${fmt(r.cuspNormalForm.mu)}, eps = ${fmt(r.cuspNormalForm.eps)} (y = ${fmt(r.cuspNormalForm.scale)} x)`,
    'equilibria (y*, u* = tanh(y*/2T), F\'(y*), stability):',
    ...r.equilibria.map((e) => `  y* = ${fmt(e.y, 6)}  u* = ${fmt(e.load, 6)}  F' = ${fmt(e.slope)}  ${e.stable ? 'stable' : 'unstable'}`
      + (e.multiplicity > 1 ? ` (multiplicity ${e.multiplicity})` : '')),
    r.foldPoints.length ? `folds: ${r.foldPoints.map((f) => `h = ${fmt(f.h, 6)} at y = ${fmt(f.y)}`).join('; ')}` : 'folds: none (a_eff <= 2 gamma T)',
  ];
  if (r.linearNoiseVariance !== null) lines.push(`linear-noise Var(y) = ${fmt(r.linearNoiseVariance, 6)} (B=${p.B}, eta=${p.eta})`);
  else if (p.B !== undefined) lines.push('linear-noise Var(y): none (not on the balanced side)');
  return lines.join('\n');
}

export function checkAnalyticInput(p: AnalyticInput): AnalyticInput {
  for (const k of ['a', 'T', 'gamma', 'h', 'rho'] as const) checkNumber(`--${k}`, p[k], CELL_RANGES[k]);
  if (p.B !== undefined) checkNumber('--B', p.B, CELL_RANGES.B);
  if (p.eta !== undefined) checkNumber('--eta', p.eta, CELL_RANGES.eta);
  if ((p.B === undefined) !== (p.eta === undefined)) throw new InputError(p.B === undefined ? '--B' : '--eta', 'the linear-noise variance needs both --B and --eta');
  checkNumber('--N', p.N, { min: 2, max: 1e6, integer: true });
  return p;
}

// ---------------------------------------------------------------------------------------
// sample
// ---------------------------------------------------------------------------------------

/** A one-cell relax spec from flags, validated like any spec (errors name the flag's field). */
export function sampleSpec(values: Record<string, number | undefined>): ScanSpec {
  const params: Record<string, number> = {};
  for (const k of ['a', 'T', 'gamma', 'h', 'rho', 'B', 'eta']) if (values[k] !== undefined) params[k] = values[k]!;
  const steps = values.steps ?? 10000;
  return parseSpec({
    name: 'sample', params, axes: [], replicates: values.replicates ?? 1000, steps,
    window: values.window ?? Math.max(1, Math.round(steps / 10)),
    initial: { y0: values.y0 ?? 0, asym: values.asym ?? 0 }, seed: values.seed ?? 1, protocol: { kind: 'relax' },
  });
}

export async function sampleCommand(spec: ScanSpec, engineFlags: EngineFlags, outFile: string | undefined): Promise<void> {
  await withEngine(engineFlags, async (engine) => {
    validateSpecFor(spec, engine.maxRouters);
    const bar = progressBar({ label: 'sample' });
    let result;
    try {
      result = await runSpec(engine, spec, { keepPerRouter: true, onProgress: bar.onProgress });
    } finally {
      bar.stop();
    }
    const m = result.perRouter!;
    const p = result.provenance;
    let csv = `# moe-cusp ${p.version} sample: ${JSON.stringify(spec.params)} y0=${spec.initial.y0} asym=${spec.initial.asym} `
      + `steps=${spec.steps} window=${spec.window} seed=${spec.seed} engine=${p.engine} adapter=${p.adapter}\n`
      + 'replicate,mean_u,mean_abs_u,mean_u2,final_y\n';
    for (let r = 0; r < m.finalY.length; r++) csv += `${r},${m.meanLoad[r]},${m.meanAbsLoad[r]},${m.meanSqLoad[r]},${m.finalY[r]}\n`;
    if (outFile) writeFileAtomic(outFile, csv);
    else process.stdout.write(csv);
  });
}

export { SCALES, PRESET_IDS };

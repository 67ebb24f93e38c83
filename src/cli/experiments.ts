// `moe-cusp run`, `reproduce` and `merge`: the experiments of the paper and a user's own
// scans from the command line (`analytic` and `sample` are in analytic.ts and sample.ts).
// Everything a run needs (flags, the spec file) is checked before any engine starts or any
// file is written, so bad input exits 2 with nothing on disk.

import { existsSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Engine } from '../core/engine.js';
import { InputError } from '../core/model.js';
import { isPresetId, PRESET_IDS, SCALES, type PresetId, type Scale } from '../experiments/presets/index.js';
import { completeExpertExperiment } from '../experiments/experts/experiment.js';
import { EXPERT_PRESET_IDS, isExpertPresetId, type ExpertPresetId } from '../experiments/experts/presets/index.js';
import { expertExperiment, loadExpertResume, mergePartFiles, runExpertPart } from './experts.js';
import { stepsNoun } from '../core/scan.js';
import { completeTrainingExperiment } from '../experiments/training/experiment.js';
import { isTrainingPresetId, TRAINING_PRESET_IDS, type TrainingPresetId } from '../experiments/training/presets/index.js';
import { loadTrainingResume, runTrainingPart, trainingExperiment } from './training.js';
import {
  checkResume,
  completeExperiment,
  ExperimentInterrupted,
  prepareExperiment,
  runExperimentPart,
  type ExperimentCheckpoint,
  type ExperimentPart,
  type PreparedExperiment,
  type Shard,
} from '../experiments/run.js';
import { MAX_SPEC_TEXT_CHARS } from '../experiments/limits.js';
import { checkCheckpoint } from '../experiments/part-schema.js';
import { parseSpecText, validateSpecFor } from '../experiments/spec.js';
import type { Estimate, ExperimentResult, ScanSpec } from '../experiments/types.js';
import { createEngine, type AdapterChoice, type EngineChoice } from '../node/index.js';
import { errnoWords, OutputFolder, WriteError } from '../node/out-dir.js';
import { toJson, writeExperiment, writeReport } from '../node/outputs.js';
import { checkpointFileName, encodePart, findPartFiles, partFileName, readCheckpoint, runKey, writeCheckpoint } from '../node/parts.js';
import { ExitCode, SignalStop } from './signals.js';
import { provenanceLine } from './demo.js';
import { progressBar } from './progress.js';

export const MAX_SEED = Number.MAX_SAFE_INTEGER - 64;

export interface EngineFlags {
  engine?: EngineChoice | undefined;
  adapter?: AdapterChoice | undefined;
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
    // The size first: a huge file is refused without being read (parseSpecText's cap).
    const size = statSync(raw).size;
    if (size > MAX_SPEC_TEXT_CHARS) throw new InputError(raw, `the spec file has ${size} bytes; a spec may have at most ${MAX_SPEC_TEXT_CHARS}`);
    text = readFileSync(raw, 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(raw, `cannot read the spec file: ${errnoWords(err)}`);
  }
  return { kind: 'spec', path: resolve(raw), spec: parseSpecText(text) };
}

export async function withEngine<T>(flags: EngineFlags, body: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await createEngine({ engine: flags.engine, adapter: flags.adapter });
  try {
    process.stderr.write(provenanceLine(engine.info) + '\n');
    return await body(engine);
  } finally {
    await engine.dispose();
  }
}

/** A number to `digits` significant digits (exponential when tiny or huge); '-' when not finite. */
export function fmt(x: number | undefined | null, digits = 4): string {
  if (x === undefined || x === null || !Number.isFinite(x)) return '-';
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(digits - 1) : String(Number(x.toPrecision(digits)));
}

/** The estimate table printed after a run. */
export function formatEstimates(estimates: Estimate[]): string {
  const rows = estimates.map((e) => {
    const gap = e.prediction !== undefined && Number.isFinite(e.value) ? e.value - e.prediction : NaN;
    const sigma = e.se && e.se > 0 && !e.bias ? gap / e.se : NaN;
    return [
      e.name,
      `${fmt(e.value)}${e.se ? ` +- ${fmt(e.se, 2)}` : ''}`,
      fmt(e.prediction),
      Number.isFinite(gap) ? `${fmt(gap, 3)}${Number.isFinite(sigma) ? ` (${sigma.toFixed(1)} se)` : e.bias ? ` (bias: ${e.bias})` : ''}` : '-',
    ];
  });
  const header = ['estimate', 'value', 'prediction', 'gap'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function summary(result: ExperimentResult): string {
  const steps = result.provenance.reduce((s, p) => s + p.routerSteps, 0);
  const ms = result.provenance.reduce((s, p) => s + p.elapsedMs, 0);
  return (
    `${result.title} [${result.scale}]: ${steps.toExponential(3)} ${stepsNoun(result.provenance)} in ${(ms / 1000).toFixed(1)} s ` +
    `(${(steps / ms / 1e3).toFixed(1)} M/s)\n${formatEstimates(result.estimates)}\n`
  );
}

export interface RunControl {
  shard?: Shard | undefined;
  /** seconds between checkpoints; 0 = none except when a signal stops the run */
  checkpointEvery: number;
  /** true: resume (the checkpoint must exist); 'if-present': resume when there is one */
  resume: boolean | 'if-present';
}

/** The experiment a run target names, parsed and prepared once for the whole command. */
function experimentTarget(target: Target, scale: Scale, seed: number | undefined): PreparedExperiment {
  if (target.kind === 'preset') return prepareExperiment({ kind: 'preset', id: target.id, scale, seed: seed ?? 1 });
  return prepareExperiment({ kind: 'spec', spec: seed === undefined ? target.spec : { ...target.spec, seed } });
}

const WHOLE: Shard = { index: 0, count: 1 };

function commandLine(): string {
  const text = ['moe-cusp', ...process.argv.slice(2)].join(' ');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * One CLI run's hold on its output folder: the locks it took and the signal handler that
 * stops it gracefully. close() releases both (also on errors).
 */
export class OutputSession {
  readonly stop: SignalStop;
  private readonly onExit = () => this.out.releaseAll();
  constructor(readonly out: OutputFolder) {
    this.stop = new SignalStop(() => out.releaseAll());
    // However the process ends (an uncaught error, process.exit), its locks go with it.
    process.on('exit', this.onExit);
  }

  lock(key: string): void {
    this.out.lock(key, commandLine());
  }

  checkpointPath(id: string, shard: Shard): string {
    return this.out.path('checkpoints', checkpointFileName(id, shard));
  }

  close(): void {
    this.stop.dispose();
    process.off('exit', this.onExit);
    this.out.releaseAll();
    try {
      rmdirSync(this.out.path('checkpoints')); // only when no checkpoint is left in it
    } catch {
      /* not empty, or absent */
    }
    // A run refused after --out was made (an engine too small for one cell) leaves nothing.
    this.out.removeIfUnused();
  }
}

/** Where the checkpoint of `id` would be, without creating anything (checks before --out is made). */
export function plannedCheckpoint(out: string, id: string, shard: Shard): string {
  return join(resolve(out), 'checkpoints', checkpointFileName(id, shard));
}

/** What a checkpoint of either kind says about the engines that wrote it. */
type CheckpointProvenance = {
  scans: readonly { provenance: { engine: string; adapter: string } }[];
  current?: { segments?: readonly { engine: string; adapter: string }[] } | null | undefined;
};

/** A stderr note when a checkpoint was written by another engine or adapter than this run's. */
export function noteEngineChange(resume: CheckpointProvenance, engine: { info: { engine: string; adapter: string } }): void {
  const segments = [...resume.scans.map((s) => s.provenance), ...(resume.current?.segments ?? [])];
  const last = segments[segments.length - 1];
  const here = engine.info;
  if (last && (last.engine !== here.engine || last.adapter !== here.adapter)) {
    process.stderr.write(
      `moe-cusp: note: the checkpoint was written by ${last.engine} (${last.adapter}); continuing on ${here.engine} ` +
        `(${here.adapter}); the provenance records both\n`,
    );
  }
}

/** The run options both kinds of experiment take from the CLI: shard, progress, stop, checkpoints. */
export interface ControlledRunOptions<C> {
  shard: Shard;
  onProgress: ReturnType<typeof progressBar>['onProgress'];
  stop: SignalStop;
  checkpoint: { intervalMs: number; save(c: C): void };
}

/**
 * Runs one experiment (or its shard) with a progress bar, periodic checkpoints and graceful
 * stop: an interruption (`interrupted`) leaves its checkpoint and exits with the signal's code.
 */
export async function runWithControls<P, C>(
  id: string,
  session: OutputSession,
  control: RunControl,
  writeCheckpointFile: (path: string, c: C) => void,
  interrupted: (err: unknown) => boolean,
  run: (options: ControlledRunOptions<C>) => Promise<P>,
): Promise<P> {
  const shard = control.shard ?? WHOLE;
  const checkpointPath = session.checkpointPath(id, shard);
  const bar = progressBar({ label: shard.count > 1 ? `${id} ${shard.index}/${shard.count}` : id });
  try {
    return await run({
      shard,
      onProgress: bar.onProgress,
      stop: session.stop,
      checkpoint: {
        intervalMs: control.checkpointEvery > 0 ? control.checkpointEvery * 1000 : Infinity,
        save: (c) => {
          session.out.folder('checkpoints');
          writeCheckpointFile(checkpointPath, c);
        },
      },
    });
  } catch (err) {
    if (interrupted(err)) {
      bar.stop();
      process.stderr.write(
        `moe-cusp: ${session.stop.signal}: stopped; checkpoint written to ${checkpointPath}; ` + 'run the same command with --resume to continue\n',
      );
      throw new ExitCode(session.stop.exitCode);
    }
    throw err;
  } finally {
    bar.stop();
  }
}

/** Runs one experiment (or its shard) with progress, checkpoints and graceful stop. */
function runOne(
  engine: Engine,
  target: PreparedExperiment,
  session: OutputSession,
  control: RunControl,
  resume?: ExperimentCheckpoint,
): Promise<ExperimentPart> {
  if (resume) noteEngineChange(resume, engine);
  return runWithControls(
    target.id,
    session,
    control,
    writeCheckpoint,
    (err) => err instanceof ExperimentInterrupted,
    (options) => runExperimentPart(engine, target, { ...options, resume }),
  );
}

/** Outputs that could not be written (full disk...): say what is kept and how to finish. */
export function explainWriteError(checkpointPath: string, write: () => void): void {
  try {
    write();
  } catch (err) {
    if (!(err instanceof WriteError)) throw err;
    const kept = existsSync(checkpointPath)
      ? `; the computed run is kept in ${checkpointPath}: make room and run the same command with --resume`
      : '';
    throw new WriteError(err.path, err.reason, `; the previous outputs are untouched${kept}`);
  }
}

function checkFits(target: PreparedExperiment, engine: Engine): void {
  for (const s of target.scans) validateSpecFor(s.spec, engine.maxRouters);
}

/** Reads and checks a checkpoint for `target` (refused with exit 2 if it belongs elsewhere). */
function loadResume(target: PreparedExperiment, shard: Shard, path: string): ExperimentCheckpoint {
  const resume = readCheckpoint(path);
  checkResume(target, shard, resume);
  // The hashes match: now the results can be checked against the specs' grids too.
  return checkCheckpoint(
    resume,
    path,
    target.scans.map((s) => s.spec),
  );
}

export async function runCommand(
  target: Target,
  scale: Scale,
  seed: number | undefined,
  engineFlags: EngineFlags,
  flags: OutputFlags,
  control: RunControl,
): Promise<void> {
  const t = experimentTarget(target, scale, seed);
  await runPartCommand(t.id, engineFlags, flags, control, {
    loadResume: (shard, path) => loadResume(t, shard, path),
    run: (engine, session, resume) => {
      checkFits(t, engine);
      return runOne(engine, t, session, control, resume);
    },
    encode: encodePart,
    complete: completeExperiment,
  });
}

/** How `run` treats one kind of experiment: its checkpoints, its run, its part file and its result. */
export interface PartCommand<C, P> {
  /** reads and checks the checkpoint at path for this experiment and shard (an InputError if it belongs elsewhere) */
  loadResume(shard: Shard, path: string): C;
  run(engine: Engine, session: OutputSession, resume: C | undefined): Promise<P>;
  encode(part: P): string;
  complete(part: P): ExperimentResult;
}

/**
 * `moe-cusp run` for an experiment of any kind: whole, or one shard's part; locks, the
 * checkpoint to resume (refused before anything is created when --resume finds none), the
 * engine, and what publishRun leaves.
 */
export async function runPartCommand<C, P extends { id: string; shard: Shard; scans: readonly { provenance: { routerSteps: number } }[] }>(
  id: string,
  engineFlags: EngineFlags,
  flags: OutputFlags,
  control: RunControl,
  kind: PartCommand<C, P>,
): Promise<void> {
  const shard = control.shard ?? WHOLE;
  // Checked before anything is created: a missing checkpoint is bad input.
  if (control.resume === true && !existsSync(plannedCheckpoint(flags.out, id, shard))) {
    throw new InputError('--resume', `no checkpoint at ${plannedCheckpoint(flags.out, id, shard)}`);
  }
  const out = OutputFolder.prepare(flags.out);
  const session = new OutputSession(out);
  try {
    session.lock(runKey(id, shard));
    if (shard.count === 1) out.checkReplaceable(id);
    const checkpointPath = session.checkpointPath(id, shard);
    const resume =
      control.resume === true || (control.resume === 'if-present' && existsSync(checkpointPath)) ? kind.loadResume(shard, checkpointPath) : undefined;
    await withEngine(engineFlags, async (engine) => {
      const part = await kind.run(engine, session, resume);
      publishRun(
        out,
        flags,
        checkpointPath,
        part,
        () => kind.encode(part),
        () => kind.complete(part),
      );
    });
  } finally {
    session.close();
  }
}

/**
 * What a finished `run` leaves: a shard its part (for `merge`), a whole run its outputs and
 * report; either way the checkpoint goes, and stdout says what was written (or prints JSON).
 */
export function publishRun(
  out: OutputFolder,
  flags: OutputFlags,
  checkpointPath: string,
  part: { id: string; shard: Shard; scans: readonly { provenance: { routerSteps: number } }[] },
  encode: () => string,
  complete: () => ExperimentResult,
): void {
  if (part.shard.count > 1) {
    // A shard leaves its part; `moe-cusp merge` turns all parts into the outputs.
    const path = out.writeFile(['parts', partFileName(part.id, part.shard)], encode());
    rmSync(checkpointPath, { force: true });
    const steps = part.scans.reduce((n, s) => n + s.provenance.routerSteps, 0);
    process.stdout.write(
      flags.json
        ? toJson({ part: path, shard: part.shard, routerSteps: steps })
        : `shard ${part.shard.index}/${part.shard.count} of ${part.id}: ${steps.toExponential(3)} router-steps; part written to ${path}\n`,
    );
    return;
  }
  const result = complete();
  explainWriteError(checkpointPath, () => {
    writeExperiment(out, result, { png: flags.png });
    if (flags.report) writeReport(out, result.title, [result]);
  });
  rmSync(checkpointPath, { force: true });
  if (flags.json) process.stdout.write(toJson(result));
  else process.stdout.write(summary(result) + `outputs: ${out.path(result.id)}${flags.report ? `, ${out.path('report.html')}` : ''}\n`);
}

/**
 * Every preset at one scale. With --resume (or --resume-if-present) each experiment that has
 * a checkpoint continues from it and the others start afresh; every checkpoint is read and
 * checked before anything is written (--resume needs at least one). A finished experiment's
 * checkpoint is kept until the whole run is done, so a stopped run resumed redoes nothing.
 */
export async function reproduceCommand(
  scale: Scale,
  seed: number | undefined,
  engineFlags: EngineFlags,
  flags: OutputFlags,
  only: (PresetId | ExpertPresetId | TrainingPresetId)[] | undefined,
  control: RunControl,
): Promise<void> {
  const chosen = only ?? [...PRESET_IDS, ...EXPERT_PRESET_IDS, ...TRAINING_PRESET_IDS];
  const ids = chosen.filter((id): id is PresetId => !isExpertPresetId(id) && !isTrainingPresetId(id));
  const targets = ids.map((id) => experimentTarget({ kind: 'preset', id }, scale, seed));
  const experts = chosen.filter(isExpertPresetId).map((id) => expertExperiment({ kind: 'expert-preset', id }, scale, seed));
  const trainings = chosen.filter(isTrainingPresetId).map((id) => trainingExperiment({ kind: 'training-preset', id }, scale, seed));
  const all = [...targets.map((t) => t.id), ...experts.map((e) => e.id), ...trainings.map((e) => e.id)];
  if (control.resume === true && !all.some((id) => existsSync(plannedCheckpoint(flags.out, id, WHOLE)))) {
    throw new InputError('--resume', `no checkpoint of ${all.join(', ')} in ${join(resolve(flags.out), 'checkpoints')}`);
  }
  const out = OutputFolder.prepare(flags.out);
  const session = new OutputSession(out);
  try {
    for (const id of all) {
      session.lock(runKey(id, WHOLE));
      out.checkReplaceable(id);
    }
    const resumes = targets.map((t) => {
      const path = session.checkpointPath(t.id, WHOLE);
      return control.resume !== false && existsSync(path) ? loadResume(t, WHOLE, path) : undefined;
    });
    const resumeOf = <E extends { id: string }, C>(e: E, load: (e: E, shard: Shard, path: string) => C) => {
      const path = session.checkpointPath(e.id, WHOLE);
      return control.resume !== false && existsSync(path) ? load(e, WHOLE, path) : undefined;
    };
    const expertResumes = experts.map((e) => resumeOf(e, loadExpertResume));
    const trainingResumes = trainings.map((e) => resumeOf(e, loadTrainingResume));
    await withEngine(engineFlags, async (engine) => {
      for (const t of targets) checkFits(t, engine);
      const results: ExperimentResult[] = [];
      for (const [i, t] of targets.entries()) {
        const part = await runOne(engine, t, session, { ...control, shard: undefined }, resumes[i]);
        const result = completeExperiment(part);
        explainWriteError(session.checkpointPath(t.id, WHOLE), () => writeExperiment(out, result, { png: flags.png }));
        results.push(result);
        if (!flags.json) process.stdout.write(summary(result) + '\n');
      }
      // The N-expert and training presets, with checkpoints and resume alike.
      const finish = (id: string, result: ExperimentResult) => {
        explainWriteError(session.checkpointPath(id, WHOLE), () => writeExperiment(out, result, { png: flags.png }));
        results.push(result);
        if (!flags.json) process.stdout.write(summary(result) + '\n');
      };
      const whole = { ...control, shard: undefined };
      for (const [i, e] of experts.entries())
        finish(e.id, completeExpertExperiment(await runExpertPart(engine, e, session, whole, expertResumes[i])));
      for (const [i, e] of trainings.entries())
        finish(e.id, completeTrainingExperiment(await runTrainingPart(engine, e, session, whole, trainingResumes[i])));
      if (flags.report) writeReport(out, `moe-cusp: the paper's experiments at ${scale} scale`, results);
      for (const id of all) rmSync(session.checkpointPath(id, WHOLE), { force: true });
      if (flags.json) process.stdout.write(toJson(results));
      else process.stdout.write(`outputs: ${out.root}${flags.report ? ` (open ${out.path('report.html')})` : ''}\n`);
    });
  } finally {
    session.close();
  }
}

/** `merge`: checks the parts (all before writing anything; two-expert and N-expert), then writes what a single run would. */
export function mergeCommand(paths: string[], flags: OutputFlags): void {
  const merged = mergePartFiles(findPartFiles(paths));
  const out = OutputFolder.prepare(flags.out);
  const session = new OutputSession(out);
  try {
    for (const m of merged) {
      session.lock(runKey(m.id, WHOLE));
      out.checkReplaceable(m.id);
    }
    const results = merged.map((m) => m.complete());
    for (const result of results) writeExperiment(out, result, { png: flags.png });
    if (flags.report) writeReport(out, results.length === 1 ? results[0].title : 'moe-cusp: merged experiments', results);
    if (flags.json) process.stdout.write(toJson(results.length === 1 ? results[0] : results));
    else for (const r of results) process.stdout.write(summary(r) + `outputs: ${out.path(r.id)}\n`);
  } finally {
    session.close();
  }
}

export { SCALES, PRESET_IDS };

// `moe-cusp run <nexp-preset | experts spec>` and the N-expert part of `reproduce`: N-expert
// scans (MODEL.md sec. 5) run on the same engine and write the same outputs (result.json,
// CSVs, PNGs, report.html) as the two-expert experiments. They keep no checkpoints and cannot
// be sharded yet: --shard/--shards/--resume are refused up front (exit 2), and a signal stops
// the run within about a second, leaving the previous outputs untouched.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { InputError } from '../core/model.js';
import { isExpertPresetId, runExpertPreset, runExpertSpec, type ExpertPresetId } from '../experiments/experts/presets/index.js';
import { ExpertRunStopped } from '../experiments/experts/run.js';
import { parseExpertSpecText, type ExpertScanSpec } from '../experiments/experts/spec.js';
import { MAX_SPEC_TEXT_CHARS } from '../experiments/limits.js';
import type { Scale } from '../experiments/presets/index.js';
import type { ExperimentResult } from '../experiments/types.js';
import { expertEngineFor } from '../node/engines.js';
import { errnoWords, OutputFolder } from '../node/out-dir.js';
import { toJson, writeExperiment, writeReport } from '../node/outputs.js';
import { runKey } from '../node/parts.js';
import { explainWriteError, OutputSession, summary, withEngine, type EngineFlags, type OutputFlags, type RunControl } from './experiments.js';
import { progressBar } from './progress.js';
import { ExitCode } from './signals.js';

export type ExpertTarget = { kind: 'expert-preset'; id: ExpertPresetId } | { kind: 'expert-spec'; spec: ExpertScanSpec };

/** An N-expert preset id, or a spec file whose JSON says "model": "experts"; null for anything else. */
export function resolveExpertTarget(raw: string): ExpertTarget | null {
  if (isExpertPresetId(raw)) return { kind: 'expert-preset', id: raw };
  if (!existsSync(raw)) return null;
  let text: string;
  try {
    if (statSync(raw).size > MAX_SPEC_TEXT_CHARS) return null; // the two-expert path refuses it with its message
    text = readFileSync(raw, 'utf8');
  } catch (err) {
    throw new InputError(raw, `cannot read the spec file: ${errnoWords(err)}`);
  }
  // Only a spec that names the N-expert model is one; anything else goes to the two-expert parser.
  if (!/"model"\s*:\s*"experts"/.test(text)) return null;
  return { kind: 'expert-spec', spec: parseExpertSpecText(text) };
}

/** Sharding and resuming are two-expert features so far: say so before anything runs. */
function refuseControls(control: RunControl): void {
  if (control.shard && control.shard.count > 1) throw new InputError('--shard', 'N-expert experiments cannot be sharded yet; run them whole');
  if (control.resume === true) throw new InputError('--resume', 'N-expert experiments keep no checkpoints yet; run them again without --resume');
}

/** Runs one N-expert experiment with a progress bar; a signal ends it with its exit code. */
export async function runExpertExperiment(
  target: ExpertTarget,
  scale: Scale,
  seed: number | undefined,
  engine: Parameters<Parameters<typeof withEngine>[1]>[0],
  session: OutputSession,
): Promise<ExperimentResult> {
  const experts = expertEngineFor(engine);
  const label = target.kind === 'expert-preset' ? target.id : (target.spec.name ?? 'experts');
  const bar = progressBar({ label });
  const options = { onProgress: bar.onProgress, stop: session.stop };
  try {
    return target.kind === 'expert-preset'
      ? await runExpertPreset(experts, target.id, scale, seed ?? 1, options)
      : await runExpertSpec(experts, seed === undefined ? target.spec : { ...target.spec, seed }, options);
  } catch (err) {
    if (err instanceof ExpertRunStopped) {
      bar.stop();
      process.stderr.write(
        `moe-cusp: ${session.stop.signal}: stopped; N-expert runs keep no checkpoint yet, so the previous outputs are untouched\n`,
      );
      throw new ExitCode(session.stop.exitCode);
    }
    throw err;
  } finally {
    bar.stop();
  }
}

export function expertTargetId(target: ExpertTarget): string {
  return target.kind === 'expert-preset' ? target.id : (target.spec.name ?? 'experts');
}

/** `moe-cusp run` for an N-expert preset or spec. */
export async function runExpertCommand(
  target: ExpertTarget,
  scale: Scale,
  seed: number | undefined,
  engineFlags: EngineFlags,
  flags: OutputFlags,
  control: RunControl,
): Promise<void> {
  refuseControls(control);
  const id = expertTargetId(target);
  const out = OutputFolder.prepare(flags.out);
  const session = new OutputSession(out);
  try {
    session.lock(runKey(id, { index: 0, count: 1 }));
    out.checkReplaceable(id);
    await withEngine(engineFlags, async (engine) => {
      const result = await runExpertExperiment(target, scale, seed, engine, session);
      explainWriteError('', () => {
        writeExperiment(out, result, { png: flags.png });
        if (flags.report) writeReport(out, result.title, [result]);
      });
      if (flags.json) process.stdout.write(toJson(result));
      else process.stdout.write(summary(result) + `outputs: ${out.path(result.id)}${flags.report ? `, ${out.path('report.html')}` : ''}\n`);
    });
  } finally {
    session.close();
  }
}

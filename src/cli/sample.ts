// `moe-cusp sample`: one grid cell of routers relaxed from flags, written out per router
// (window means and final y) as CSV, for looking at the distribution across replicates.

import { runSpec, type SpecRun } from '../experiments/protocols.js';
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

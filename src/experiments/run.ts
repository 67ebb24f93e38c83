// Runs an experiment (a preset at a scale, or a user's spec) on an engine and analyzes it.
// One progress stream covers all of an experiment's scans. No Node-only imports.

import type { Engine } from '../core/engine.js';
import { progressReport, type ProgressListener } from '../core/scan.js';
import { analyzePreset, analyzeSpec, presetNeedsPerRouter, type Analysis } from './analysis.js';
import { PRESETS, presetSpecs, type PresetId, type Scale } from './presets.js';
import { runSpec } from './protocols.js';
import { specRouterSteps } from './spec.js';
import type { ExperimentResult, ScanOutcome, ScanSpec } from './types.js';

export interface ExperimentOptions {
  onProgress?: ProgressListener;
}

async function runScans(engine: Engine, specs: ScanSpec[], keepPerRouter: (i: number) => boolean, options: ExperimentOptions) {
  const total = specs.reduce((sum, s) => sum + specRouterSteps(s), 0);
  const t0 = performance.now();
  let before = 0;
  const outcomes: ScanOutcome[] = [];
  const finalY: (Float64Array | undefined)[] = [];
  for (const [i, spec] of specs.entries()) {
    const done = before;
    const result = await runSpec(engine, spec, {
      keepPerRouter: keepPerRouter(i),
      onProgress: (p) => options.onProgress?.(progressReport(done + p.routerSteps, total, performance.now() - t0)),
    });
    before += specRouterSteps(spec);
    finalY.push(result.perRouter?.finalY);
    const { perRouter: _, ...outcome } = result;
    outcomes.push(outcome);
  }
  return { outcomes, finalY };
}

function assemble(id: string, title: string, scale: string, outcomes: ScanOutcome[], analysis: Analysis): ExperimentResult {
  return {
    id, title, scale,
    specs: outcomes.map((o) => o.spec),
    provenance: outcomes.map((o) => o.provenance),
    ...analysis,
  };
}

/** A named experiment of the paper at a scale; scan i uses seed + i. */
export async function runPreset(engine: Engine, id: PresetId, scale: Scale, seed: number, options: ExperimentOptions = {}): Promise<ExperimentResult> {
  const specs = presetSpecs(id, scale, seed);
  const { outcomes, finalY } = await runScans(engine, specs, (i) => presetNeedsPerRouter(id, i), options);
  return assemble(id, PRESETS[id].title, scale, outcomes, analyzePreset(id, outcomes, finalY));
}

/** A user's spec, with the generic analysis of its protocol. */
export async function runCustomSpec(engine: Engine, spec: ScanSpec, options: ExperimentOptions = {}): Promise<ExperimentResult> {
  const { outcomes } = await runScans(engine, [spec], () => false, options);
  const name = spec.name ?? 'scan';
  return assemble(name, spec.description ?? name, 'custom', outcomes, analyzeSpec(outcomes[0]));
}

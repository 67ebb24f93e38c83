// The N-expert presets (MODEL.md section 5), one module each, and how one runs into an
// ExperimentResult like the two-expert presets' (the same outputs, report and page code).
// Scan i of a preset runs with seed + i. Estimate ids follow presets/index.ts's scheme.

import type { ExpertEngine } from '../../../core/experts.js';
import { SCALES, type Scale } from '../../presets/index.js';
import type { ExperimentResult } from '../../types.js';
import { analyzeExpertSpec } from '../analysis.js';
import { expertCustomDescription, expertCustomTitle } from '../describe.js';
import { expertScanCost, runExpertScan, type ExpertRunOptions, type ExpertScanOutcome } from '../run.js';
import { parseExpertSpec, type ExpertScanSpec } from '../spec.js';
import { nexpBalancing } from './nexp-balancing.js';
import { nexpBistability } from './nexp-bistability.js';
import { nexpHysteresis } from './nexp-hysteresis.js';
import { nexpThreshold } from './nexp-threshold.js';
import type { ExpertPresetDefinition } from './shared.js';

const MODULES = [nexpThreshold, nexpHysteresis, nexpBistability, nexpBalancing] as const;

export type ExpertPresetId = (typeof MODULES)[number]['id'];
export const EXPERT_PRESET_IDS: readonly ExpertPresetId[] = MODULES.map((p) => p.id);
export const EXPERT_PRESETS = Object.fromEntries(MODULES.map((p) => [p.id, p])) as Record<ExpertPresetId, ExpertPresetDefinition>;

export function isExpertPresetId(name: string): name is ExpertPresetId {
  return (EXPERT_PRESET_IDS as readonly string[]).includes(name);
}

/** The parsed scans of a preset at a scale, scan i with seed + i. */
export function expertPresetSpecs(id: ExpertPresetId, scale: Scale, seed: number): ExpertScanSpec[] {
  return EXPERT_PRESETS[id].scans(scale).map((s, i) => parseExpertSpec({ model: 'experts', ...s, seed: seed + i }));
}

/** Runs every scan of a preset on one engine, with progress over the whole preset. */
export async function runExpertPreset(
  engine: ExpertEngine,
  id: ExpertPresetId,
  scale: Scale,
  seed: number,
  options: ExpertRunOptions = {},
): Promise<ExperimentResult> {
  const specs = expertPresetSpecs(id, scale, seed);
  return expertExperimentResult(id, scale, specs, await runExpertScans(engine, specs, options));
}

/** A user's N-expert spec, with the generic analysis (analysis.ts). */
export async function runExpertSpec(engine: ExpertEngine, spec: ExpertScanSpec, options: ExpertRunOptions = {}): Promise<ExperimentResult> {
  return expertExperimentResult(spec.name ?? 'experts', 'custom', [spec], await runExpertScans(engine, [spec], options));
}

/**
 * The result of an N-expert experiment from its scans' outcomes: a preset's analysis (scale
 * one of SCALES), or the generic one of a user's spec (scale 'custom', one spec).
 */
export function expertExperimentResult(id: string, scale: string, specs: readonly ExpertScanSpec[], outcomes: ExpertScanOutcome[]): ExperimentResult {
  const provenance = outcomes.map((o) => o.provenance);
  if (scale !== 'custom') {
    if (!isExpertPresetId(id)) throw new Error(`${id} is not an N-expert preset`);
    const preset = EXPERT_PRESETS[id];
    return { id, title: preset.title, scale, specs: [...specs], provenance, ...preset.analyze(outcomes, scale as Scale) };
  }
  const [spec] = specs;
  return {
    id,
    title: expertCustomTitle(spec),
    description: expertScanDescription(spec),
    scale: 'custom',
    specs: [spec],
    provenance,
    ...analyzeExpertSpec(outcomes[0], id),
  };
}

/**
 * A user's N-expert scan's description: its own description (unless that is a preset's text it
 * was copied from), then what it runs, built from the spec.
 */
export function expertScanDescription(spec: ExpertScanSpec): string {
  const own = spec.description?.trim();
  const inherited =
    !own ||
    EXPERT_PRESET_IDS.some(
      (id) => EXPERT_PRESETS[id].description === own || SCALES.some((scale) => EXPERT_PRESETS[id].scans(scale).some((s) => s.description === own)),
    );
  return inherited ? expertCustomDescription(spec) : `${own} (${expertCustomDescription(spec)})`;
}

/** Runs scans in order on one engine, with progress over all of them. */
export async function runExpertScans(
  engine: ExpertEngine,
  specs: readonly ExpertScanSpec[],
  options: ExpertRunOptions = {},
): Promise<ExpertScanOutcome[]> {
  const { onProgress } = options;
  const costs = specs.map(expertScanCost);
  const total = costs.reduce((s, c) => s + c, 0);
  const started = performance.now();
  const outcomes: ExpertScanOutcome[] = [];
  let before = 0;
  for (const [i, spec] of specs.entries()) {
    outcomes.push(
      await runExpertScan(engine, spec, {
        ...(options.stop && { stop: options.stop }),
        onProgress: (p) => {
          const done = before + p.routerSteps;
          const ms = performance.now() - started;
          const rate = ms > 0 ? (done * 1000) / ms : 0;
          onProgress?.({
            fraction: done / total,
            routerSteps: done,
            totalRouterSteps: total,
            elapsedMs: ms,
            rate,
            etaSeconds: rate > 0 ? (total - done) / rate : Infinity,
          });
        },
      }),
    );
    before += costs[i];
  }
  return outcomes;
}

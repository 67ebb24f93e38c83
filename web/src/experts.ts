// The N-expert presets on the page (MODEL.md sec. 5): the same preset modules and analysis
// as the CLI, run on the page's WebGPU device (WebGpuExpertEngine) or, without one, on the
// f64 twin in the page's thread (CpuExpertEngine yields between chunks of ~250 ms). They are
// not chunked like the two-expert scans: Stop ends the run, and a rerun starts afresh.

import type { Engine } from '../../src/core/engine.js';
import { CpuExpertEngine } from '../../src/core/experts-cpu.js';
import { WebGpuExpertEngine } from '../../src/core/experts-engine.js';
import type { ExpertEngine } from '../../src/core/experts.js';
import type { ProgressReport } from '../../src/core/scan.js';
import { WebGpuEngine } from '../../src/core/webgpu-engine.js';
import type { WebScale } from '../../src/experiments/browser.js';
import {
  EXPERT_PRESET_IDS,
  EXPERT_PRESETS,
  expertPresetSpecs,
  isExpertPresetId,
  runExpertPreset,
  type ExpertPresetId,
} from '../../src/experiments/experts/presets/index.js';
import { ExpertRunStopped, expertScanCost } from '../../src/experiments/experts/run.js';
import { formatDuration, formatSI } from '../../src/report/format.js';
import type { Scale } from '../../src/experiments/presets/index.js';
import type { PageOutcome } from './extra-presets.js';

export { EXPERT_PRESET_IDS, EXPERT_PRESETS, isExpertPresetId, type ExpertPresetId };

/** The CLI scale behind a web scale: `browser` runs the quick scans. */
export const expertScale = (scale: WebScale): Scale => (scale === 'browser' ? 'quick' : scale);

/** A preset's cost (a sentence for the run bar) and its first scan (for the JSON box). */
export function expertPresetCost(id: ExpertPresetId, scale: WebScale, seed: number): { summary: string; steps: number; first: unknown } {
  const specs = expertPresetSpecs(id, expertScale(scale), seed);
  const steps = specs.reduce((n, s) => n + expertScanCost(s), 0);
  return { summary: `${specs.length} N-expert scan${specs.length > 1 ? 's' : ''}, ${formatSI(steps)} router-steps`, steps, first: specs[0] };
}

/** The N-expert presets as an option group of the experiment select. */
export function appendExpertOptions(select: HTMLSelectElement): void {
  const group = document.createElement('optgroup');
  group.label = 'N experts (beyond the paper)';
  for (const id of EXPERT_PRESET_IDS) group.append(new Option(EXPERT_PRESETS[id].title, id));
  select.append(group);
}

function expertEngineOn(engine: Engine): ExpertEngine {
  if (engine instanceof WebGpuEngine)
    return new WebGpuExpertEngine(engine.device, { engine: 'webgpu', adapter: engine.info.adapter, backend: engine.info.backend });
  return new CpuExpertEngine();
}

export async function runExpertPresetOnPage(
  engine: Engine,
  id: ExpertPresetId,
  scale: WebScale,
  seed: number,
  options: { signal: AbortSignal; onProgress: (p: ProgressReport) => void },
): Promise<PageOutcome> {
  const stop = {
    get requested() {
      return options.signal.aborted;
    },
  };
  try {
    const result = await runExpertPreset(expertEngineOn(engine), id, expertScale(scale), seed, { onProgress: options.onProgress, stop });
    const steps = result.provenance.reduce((n, p) => n + p.routerSteps, 0);
    const ms = result.provenance.reduce((n, p) => n + p.elapsedMs, 0);
    return {
      state: 'done',
      result,
      engineNote: `engine: ${[...new Set(result.provenance.map((p) => p.adapter))].join(' + ')}`,
      message: `Done: ${formatSI(steps)} router-steps in ${formatDuration(ms)} (${formatSI((steps * 1000) / ms)} router-steps/s).`,
    };
  } catch (err) {
    if (err instanceof ExpertRunStopped)
      return { state: 'stopped', message: 'Stopped. N-expert runs keep no partial results yet: Run starts afresh.' };
    console.error(`moe-cusp: the N-expert run failed: ${(err as Error).message}`);
    return { state: 'failed', message: `The run failed: ${(err as Error).message}` };
  }
}

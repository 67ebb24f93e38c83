// The scales the web page offers, derived from the presets (presets/index.ts) without restating
// them. `browser`, the default on WebGPU, is the quick scale with twice the replicates: the
// grids, steps, windows and sweep speeds stay quick's, so each preset is a few seconds even
// on a software GPU and instant on a real one (a GPU runs twice the routers at nearly the
// same cost). On the CPU fallback (a Web Worker pool) the default is the reduced `quick`.
// Browser-safe.

import { presetSpecs, type PresetId, type Scale } from './presets/index.js';
import type { ScanSpec } from './types.js';

export const WEB_SCALES = ['browser', 'quick', 'paper', 'large'] as const;
export type WebScale = (typeof WEB_SCALES)[number];

export const WEB_SCALE_NOTES: Record<WebScale, string> = {
  browser: 'quick grids and steps, twice the replicates: seconds on a software GPU',
  quick: "the CLI's quick scale: seconds on the CPU",
  paper: "the paper's parameters: minutes on a software GPU, seconds on a real one",
  large: 'many more replicates and finer grids: for a real GPU',
};

/** The page's default scale for an engine: smaller on the CPU. */
export function defaultWebScale(engine: 'webgpu' | 'cpu'): WebScale {
  return engine === 'webgpu' ? 'browser' : 'quick';
}

export function isWebScale(name: string): name is WebScale {
  return (WEB_SCALES as readonly string[]).includes(name);
}

/** The scans of a preset at a web scale; scan i uses seed + i, as on the CLI. */
export function webPresetSpecs(id: PresetId, scale: WebScale, seed: number): ScanSpec[] {
  if (scale !== 'browser') return presetSpecs(id, scale satisfies Scale, seed);
  return presetSpecs(id, 'quick', seed).map((spec) => ({ ...spec, replicates: 2 * spec.replicates }));
}

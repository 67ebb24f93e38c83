// The registry of the paper's experiments (MODEL.md section 3). Each preset is one module,
// presets/<id>.ts, exporting one object (definePreset): id, title, description, its scans
// by role at every scale, and its analysis of those scans by role. Everything else (CLI,
// runs, parts, the web page, tests) imports presets from here.
//
// Adding a preset: write presets/<id>.ts, import it below and list it in MODULES.
//
// Scales:
//   quick  seconds on the CPU engine; what the tests run;
//   paper  the paper's parameters where it gives them, enough replicates for the estimates
//          the issue asks for (T_c within 2%); the whole set takes minutes on a software GPU;
//   large  many more replicates and finer grids, for a real GPU.
// What the paper leaves open (steps, windows, grids, sweep speeds, initial conditions) is
// chosen in each preset's module, with the reason next to each choice. All runs use B = 512.
//
// Scans and seeds: a preset's scans(scale) is a tree of scans by role (a scan, a list, or a
// record of those, e.g. fig9's list of { onset, variance } per gamma). Its scans run in
// depth-first order (lists in order, records in key order), and scan i of the experiment
// gets seed + i (assigned here: the modules never set seeds), so no two scans share random
// streams (Threefry streams with different keys are independent). The analysis receives
// the outcomes in the same tree.
//
// Estimate ids: `<experiment>.<quantity>[.<param>=<value>]...`, stable across versions and
// independent of the display name. <experiment> is the preset id (or the spec's name for a
// user's spec), <quantity> is lower-case kebab-case, and each parameter the estimate is per
// (a grid value, a sweep speed) follows as `.<param>=<value>` with the value as JavaScript
// prints the number (String(x)). Examples: fig9.tc.gamma=0.5, fig9.onset.gamma=0.5,
// fig10.width.a=3 (slow-sweep limit), fig10.raw-width.a=3 (slowest sweep), fig8.slope,
// cusp.agreement, myscan.width.a=3.spp=100. Tests, scripts and the page match these ids,
// never the display names.

import type { Analysis, ScanOutcome, ScanSpec } from '../types.js';
import { cusp } from './cusp.js';
import { fig10 } from './fig10.js';
import { fig11 } from './fig11.js';
import { fig6 } from './fig6.js';
import { fig7 } from './fig7.js';
import { fig8 } from './fig8.js';
import { fig9 } from './fig9.js';

export const SCALES = ['quick', 'paper', 'large'] as const;
export type Scale = (typeof SCALES)[number];

/** A scan of a preset: a spec without its seed (the registry assigns seed + i). */
export type PresetScan = Omit<ScanSpec, 'seed'>;

/** A preset's scans by role: a scan, a list of trees, or a record of trees. */
export type ScanTree = PresetScan | readonly ScanTree[] | { readonly [role: string]: ScanTree };

/** The same tree with every scan replaced by its outcome. */
export type OutcomeTree<T> = T extends PresetScan
  ? ScanOutcome
  : T extends readonly (infer E)[]
    ? OutcomeTree<E>[]
    : { [K in keyof T]: OutcomeTree<T[K]> };

export interface PresetDefinition<Id extends string = string, T extends ScanTree = ScanTree> {
  id: Id;
  title: string;
  description: string;
  /** The scans by role at a scale (seedless: scan i of the flattened tree runs with seed + i). */
  scans(scale: Scale): T;
  /** Estimates, figures, tables, observables and predictions from the outcomes, by role. */
  analyze(scans: OutcomeTree<T>): Analysis;
}

/** The list of presets, in the order `reproduce` runs them and the page lists them. */
const MODULES = [fig6, fig7, fig8, fig9, fig10, fig11, cusp] as const;

export type PresetId = (typeof MODULES)[number]['id'];

export const PRESET_IDS: readonly PresetId[] = MODULES.map((p) => p.id);

export const PRESETS = Object.fromEntries(MODULES.map((p) => [p.id, p])) as {
  [K in PresetId]: Extract<(typeof MODULES)[number], { id: K }>;
};

export function isPresetId(name: string): name is PresetId {
  return (PRESET_IDS as readonly string[]).includes(name);
}

const isScan = (t: ScanTree): t is PresetScan => typeof t === 'object' && t !== null && !Array.isArray(t) && 'protocol' in t && 'params' in t;

/** The scans of a tree in run order. */
function flatten(tree: ScanTree): PresetScan[] {
  if (isScan(tree)) return [tree];
  return (Array.isArray(tree) ? tree : Object.values(tree)).flatMap((t: ScanTree) => flatten(t));
}

/** The tree's shape with its scans replaced, in run order, by `leaves`. */
function refill(tree: ScanTree, leaves: ScanOutcome[]): unknown {
  let next = 0;
  const walk = (t: ScanTree): unknown => {
    if (isScan(t)) return leaves[next++];
    if (Array.isArray(t)) return t.map((c: ScanTree) => walk(c));
    return Object.fromEntries(Object.entries(t).map(([role, c]) => [role, walk(c)]));
  };
  return walk(tree);
}

/** The scans an experiment runs, in order; scan i uses seed + i. */
export function presetSpecs(id: PresetId, scale: Scale, seed: number): ScanSpec[] {
  const preset: PresetDefinition = PRESETS[id];
  return flatten(preset.scans(scale)).map(({ name, description, ...rest }, i) => ({
    ...(name !== undefined && { name }),
    ...(description !== undefined && { description }),
    seed: seed + i,
    ...rest,
  }));
}

/**
 * A preset's analysis of its outcomes in run order (one per scan): they are put back into
 * the preset's tree of roles. The tree is that of the scale whose scans have these names
 * (a web scale keeps its base scale's scans), so a tree may differ between scales.
 */
export function analyzePreset(id: PresetId, outcomes: ScanOutcome[]): Analysis {
  const preset: PresetDefinition = PRESETS[id];
  const names = outcomes.map((o) => o.spec.name).join('\n');
  for (const scale of SCALES) {
    const tree = preset.scans(scale);
    if (
      flatten(tree)
        .map((s) => s.name)
        .join('\n') === names
    )
      return preset.analyze(refill(tree, outcomes) as OutcomeTree<ScanTree>);
  }
  throw new Error(`${id}: the outcomes (${outcomes.map((o) => o.spec.name).join(', ')}) are not the scans of this preset at any scale`);
}

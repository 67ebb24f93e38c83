// What an exported file says about itself: distinct file names (the experiment or spec name,
// the scale and the seed, then the figure or table), and for a figure's PNG a caption and text
// metadata with the parameters, the seed and the specs run. Shared by the page's downloads
// and the CLI's PNGs. Browser-safe.

import type { ExperimentResult, Figure, ScanSpec } from '../experiments/types.js';
import { fixedParamsText, runText } from '../experiments/spec-describe.js';
import { gridCount } from '../experiments/spec-grid.js';
import { displayText } from './display.js';

const PAPER = 'https://arxiv.org/abs/2605.29121';

/** The seed a result's files are named by: its first scan's (a preset's scan i runs seed + i). */
export function resultSeed(result: ExperimentResult): number | undefined {
  return result.specs[0]?.seed;
}

/** `fig8-browser-seed1`, `myscan-custom-seed7`: what every file of a result starts with. */
export function exportBase(result: ExperimentResult): string {
  const seed = resultSeed(result);
  return [result.id, result.scale, seed !== undefined ? `seed${seed}` : ''].filter(Boolean).join('-');
}

/**
 * A file of a result: the base, then the figure id or table name without the result's id in
 * front (`fig8-heatmap` -> `fig8-browser-seed1-heatmap.png`), then the extension.
 */
export function exportName(result: ExperimentResult, part: string, ext: string): string {
  const own = part === result.id ? '' : part.startsWith(`${result.id}-`) ? part.slice(result.id.length + 1) : part;
  return `${exportBase(result)}${own ? `-${own}` : ''}.${ext}`;
}

const isTwoExpert = (s: ExperimentResult['specs'][number]): s is ScanSpec => !('model' in s);

/**
 * The two-expert scan a figure shows, where that is known: the only scan of the result, or
 * for a heatmap the only scan whose two axes have its shape.
 */
export function figureSpec(result: ExperimentResult, fig: Figure): ScanSpec | undefined {
  const scans = result.specs.filter(isTwoExpert);
  if (result.specs.length === 1) return scans[0];
  if (fig.kind !== 'heatmap') return undefined;
  const fits = scans.filter(
    (s) => s.axes.length === 2 && gridCount(s.axes[0].values) === fig.x.values.length && gridCount(s.axes[1].values) === fig.y.values.length,
  );
  return fits.length === 1 ? fits[0] : undefined;
}

function seedsText(result: ExperimentResult): string {
  const seeds = result.specs.map((s) => s.seed);
  if (!seeds.length) return '';
  const consecutive = seeds.every((s, i) => s === seeds[0] + i);
  return seeds.length === 1
    ? `seed ${seeds[0]}`
    : consecutive
      ? `seeds ${seeds[0]}–${seeds[seeds.length - 1]} (scan i: seed + i)`
      : `seeds ${seeds.join(', ')}`;
}

/** One line under an exported figure, in display text: what it is, its parameters and seed, the software. */
export function figureCaption(result: ExperimentResult, fig: Figure): string {
  const spec = figureSpec(result, fig);
  const version = result.provenance[0]?.version;
  const parts = [result.scale === 'custom' ? result.title : `${result.id}: ${result.title}`, `scale ${result.scale}`];
  if (spec) {
    const fixed = fixedParamsText(spec);
    if (fixed && result.scale !== 'custom') parts.push(fixed);
    parts.push(runText(spec));
  } else {
    parts.push(`${result.specs.length} scan${result.specs.length === 1 ? '' : 's'}, ${seedsText(result)}`);
  }
  parts.push(`moe-cusp${version ? ` ${version}` : ''}`, PAPER);
  return displayText(parts.join(' · '));
}

/** PNG text metadata of an exported figure: title, description (the caption), seed, specs, software. */
export function figurePngText(result: ExperimentResult, fig: Figure): Record<string, string> {
  const p = result.provenance[0];
  const seed = resultSeed(result);
  return {
    Title: displayText(fig.title || fig.id),
    Description: figureCaption(result, fig),
    Software: `moe-cusp${p ? ` ${p.version}` : ''}`,
    Source: [...new Set(result.provenance.map((x) => `${x.engine}: ${x.adapter}`))].join('; '),
    Comment: `Kiselev, arXiv:2605.29121 (${PAPER})`,
    'moe-cusp experiment': `${result.id} (scale ${result.scale})`,
    ...(seed !== undefined && { 'moe-cusp seed': seedsText(result) }),
    'moe-cusp specs': JSON.stringify(result.specs),
  };
}

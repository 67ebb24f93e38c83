// The page's state in the URL hash, so a link reproduces a scan exactly:
//   #preset=fig8&scale=browser&seed=1     a preset at a web scale (scan i uses seed + i): a router
//                                         figure, an N-expert preset or a training one (fig1..fig5)
//   #a=3&T=1&...&steps=200                a custom scan, field by field (url-spec.ts), readable
//   #spec=<base64url of the spec's canonical JSON>   a custom scan the readable form cannot hold,
//                                         and any N-expert scan (model "experts")
// and, on any, &engine=cpu or &engine=webgpu when a person chose the engine. A link holds the
// setup, not the results: opening it reruns the scan from its seed.

import { canonicalJson } from '../../src/experiments/spec.js';
import { isPresetId, type PresetId } from '../../src/experiments/presets/index.js';
import { isExpertPresetId, type ExpertPresetId } from '../../src/experiments/experts/presets/index.js';
import { isTrainingPresetId, type TrainingPresetId } from '../../src/experiments/training/presets/index.js';
import { isWebScale, type WebScale } from '../../src/experiments/browser.js';
import type { ExpertScanSpec } from '../../src/experiments/experts/spec.js';
import type { ScanSpec } from '../../src/experiments/types.js';
import type { ParsedSpec } from '../../src/experiments/spec.js';
import { isReadableSpec, readableHash, readableToJson } from './url-spec.js';

/** The ids a link may name: the router figures, the N-expert presets and the training presets. */
export type AnyPresetId = PresetId | ExpertPresetId | TrainingPresetId;

export type LinkEngine = 'cpu' | 'webgpu' | undefined;

export type PageState =
  | { kind: 'preset'; id: AnyPresetId; scale: WebScale; seed: number; engine?: LinkEngine }
  | { kind: 'spec'; text: string; engine?: LinkEngine };

export function base64urlEncode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function base64urlDecode(s: string): string {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

export function encodeState(
  state:
    | { kind: 'preset'; id: AnyPresetId; scale: WebScale; seed: number; engine?: LinkEngine }
    | { kind: 'spec'; spec: ParsedSpec | ExpertScanSpec; engine?: LinkEngine },
): string {
  const engine = state.engine ? `&engine=${state.engine}` : '';
  if (state.kind === 'spec') {
    const readable = 'model' in state.spec && state.spec.model === 'experts' ? null : readableHash(state.spec as ParsedSpec);
    return `#${readable ?? `spec=${base64urlEncode(canonicalJson(state.spec as ScanSpec | ExpertScanSpec))}`}${engine}`;
  }
  const params = new URLSearchParams();
  params.set('preset', state.id);
  params.set('scale', state.scale);
  params.set('seed', String(state.seed));
  return `#${params.toString()}${engine}`;
}

/**
 * The state a hash describes, or an error sentence. A custom spec comes back as JSON text
 * (checked by the editor like a pasted spec, so its errors are shown on the fields).
 */
export function decodeState(hash: string): PageState | { error: string } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const e = params.get('engine');
  const engine: LinkEngine = e === 'cpu' || e === 'webgpu' ? e : undefined;
  const spec = params.get('spec');
  if (spec !== null) {
    try {
      return { kind: 'spec', text: JSON.stringify(JSON.parse(base64urlDecode(spec)), null, 2), engine };
    } catch {
      return { error: "The link's spec is damaged (not base64url-encoded JSON); it was not loaded." };
    }
  }
  const id = params.get('preset');
  if (id === null && isReadableSpec(params)) {
    const r = readableToJson(params);
    return 'error' in r ? r : { kind: 'spec', text: JSON.stringify(r.json, null, 2), engine };
  }
  if (id === null) return null;
  if (!isPresetId(id) && !isExpertPresetId(id) && !isTrainingPresetId(id)) return { error: `The link names an unknown figure "${id}".` };
  const scale = params.get('scale') ?? 'browser';
  if (!isWebScale(scale)) return { error: `The link names an unknown scale "${scale}".` };
  const seed = Number(params.get('seed') ?? '1');
  if (!Number.isSafeInteger(seed) || seed < 0) return { error: `The link's seed must be a non-negative integer, got "${params.get('seed')}".` };
  return { kind: 'preset', id, scale, seed, engine };
}

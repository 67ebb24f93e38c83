// The page's state in the URL hash, so a link reproduces a scan exactly:
//   #preset=fig8&scale=browser&seed=1     a paper figure at a web scale (scan i uses seed + i)
//   #spec=<base64url of the spec's canonical JSON>   a custom scan, the CLI's ScanSpec
// and, on either, &engine=cpu when the CPU engine was chosen.

import { canonicalJson } from '../../src/experiments/spec.js';
import { isPresetId, type PresetId } from '../../src/experiments/presets/index.js';
import { isExpertPresetId, type ExpertPresetId } from '../../src/experiments/experts/presets/index.js';
import { isWebScale, type WebScale } from '../../src/experiments/browser.js';
import type { ScanSpec } from '../../src/experiments/types.js';

export type PageState =
  | { kind: 'preset'; id: PresetId | ExpertPresetId; scale: WebScale; seed: number; engine?: 'cpu' | undefined }
  | { kind: 'spec'; text: string; engine?: 'cpu' | undefined };

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
    | { kind: 'preset'; id: PresetId | ExpertPresetId; scale: WebScale; seed: number; engine?: 'cpu' | undefined }
    | { kind: 'spec'; spec: ScanSpec; engine?: 'cpu' | undefined },
): string {
  const params = new URLSearchParams();
  if (state.kind === 'preset') {
    params.set('preset', state.id);
    params.set('scale', state.scale);
    params.set('seed', String(state.seed));
  } else {
    params.set('spec', base64urlEncode(canonicalJson(state.spec)));
  }
  if (state.engine) params.set('engine', state.engine);
  return '#' + params.toString();
}

/**
 * The state a hash describes, or an error sentence. A custom spec comes back as JSON text
 * (checked by the editor like a pasted spec, so its errors are shown on the fields).
 */
export function decodeState(hash: string): PageState | { error: string } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const engine = params.get('engine') === 'cpu' ? ('cpu' as const) : undefined;
  const spec = params.get('spec');
  if (spec !== null) {
    try {
      return { kind: 'spec', text: JSON.stringify(JSON.parse(base64urlDecode(spec)), null, 2), engine };
    } catch {
      return { error: "The link's spec is damaged (not base64url-encoded JSON); it was not loaded." };
    }
  }
  const id = params.get('preset');
  if (id === null) return null;
  if (!isPresetId(id) && !isExpertPresetId(id)) return { error: `The link names an unknown figure "${id}".` };
  const scale = params.get('scale') ?? 'browser';
  if (!isWebScale(scale)) return { error: `The link names an unknown scale "${scale}".` };
  const seed = Number(params.get('seed') ?? '1');
  if (!Number.isSafeInteger(seed) || seed < 0) return { error: `The link's seed must be a non-negative integer, got "${params.get('seed')}".` };
  return { kind: 'preset', id, scale, seed, engine };
}

// The spec files of the N-expert and training models: `moe-cusp run` tries them before the
// router's (resolveTarget in experiments.ts), which refuses what neither takes with its message.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { InputError } from '../core/model.js';
import { MAX_SPEC_TEXT_CHARS } from '../experiments/limits.js';
import { errnoWords } from '../node/out-dir.js';

/**
 * The text of the spec file `raw` if its JSON says "model": `model`; null when there is no
 * such file, it is too large (the router path refuses it with its message) or it names
 * another model (anything else goes on to the router's parser). An unreadable file is an
 * InputError on `raw`.
 */
export function specFileOf(raw: string, model: 'experts' | 'training'): string | null {
  if (!existsSync(raw)) return null;
  let text: string;
  try {
    if (statSync(raw).size > MAX_SPEC_TEXT_CHARS) return null;
    text = readFileSync(raw, 'utf8');
  } catch (err) {
    throw new InputError(raw, `cannot read the spec file: ${errnoWords(err)}`);
  }
  return new RegExp(`"model"\\s*:\\s*"${model}"`).test(text) ? text : null;
}

// Node-only: a Figure as a PNG, drawn by draw.ts on a Skia canvas (@napi-rs/canvas), its
// labels in display text (display.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import type { Figure } from '../experiments/types.js';
import { displayFigure, displayText } from './display.js';
import { drawFigure } from './draw.js';
import { withPngText } from './png-text.js';

export interface PngOptions {
  /** CSS pixels; the PNG is width*dpr x height*dpr */
  width: number;
  height: number;
  dpr?: number;
  /** a caption set under the figure (e.g. its parameters and seed) */
  caption?: string;
  /** PNG text metadata, keyword -> text (exports.ts figurePngText) */
  text?: Record<string, string>;
}

// DejaVu Sans is draw.ts's first font choice; where it is missing Skia falls back to the
// next family in FONT_FAMILY or a system sans-serif.
const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/TTF', '/usr/share/fonts/dejavu', '/usr/local/share/fonts'];
let fontsRegistered = false;

function registerFonts(): void {
  if (fontsRegistered) return;
  fontsRegistered = true;
  for (const file of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']) {
    const path = FONT_DIRS.map((d) => join(d, file)).find((p) => existsSync(p));
    try {
      if (path) GlobalFonts.registerFromPath(path, 'DejaVu Sans');
    } catch {
      // an unreadable font file: keep the fallback
    }
  }
}

export function renderFigurePng(figure: Figure, { width, height, dpr = 1, caption, text }: PngOptions): Buffer {
  registerFonts();
  const canvas = createCanvas(Math.round(width * dpr), Math.round(height * dpr));
  // in display text, as the page draws its figures and PNGs (γ, ±, T_c with a subscript c)
  drawFigure(canvas.getContext('2d'), displayFigure(figure), { width, height, dpr, ...(caption !== undefined && { caption: displayText(caption) }) });
  const png = canvas.toBuffer('image/png');
  return text ? Buffer.from(withPngText(png, text)) : png;
}

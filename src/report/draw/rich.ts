// Text with subscripts on a canvas: display text's `base_sub` subscripts (T_c, a_eff, λ_lb;
// display.ts subscriptRuns) are set smaller and lowered, as the report's HTML sets <sub>,
// since no font has a subscript c. Every label a figure draws goes through here (draw.ts on
// the PNGs, the report and the page; charts.ts for uPlot's axis and vertical-line labels); a
// string without a subscript is one fillText, as before. Browser-safe.

import { subscriptRuns } from '../display.js';
import type { Measure } from './layout.js';

/** A subscript's size and the drop of its baseline, in ems of the text around it. */
export const SUBSCRIPT_SCALE = 0.72,
  SUBSCRIPT_DROP = 0.22;

/** Where the alphabetic baseline lies below y for each textBaseline, in ems (DejaVu Sans' metrics, near enough for others). */
const BASELINE: Record<string, number> = { alphabetic: 0, top: 0.8, hanging: 0.8, middle: 0.35, bottom: -0.24, ideographic: -0.24 };

/** The part of a 2D context that setting text needs (the browser's and @napi-rs/canvas's). */
export interface TextContext {
  font: string;
  textAlign: 'left' | 'right' | 'center' | 'start' | 'end';
  textBaseline: 'top' | 'hanging' | 'middle' | 'alphabetic' | 'ideographic' | 'bottom';
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
}

/** The CSS font's size in px and the font with that size scaled by k. */
function scaledFont(font: string, k: number): { size: number; font: string } {
  const m = /(\d+(?:\.\d+)?)px/.exec(font);
  const size = m ? Number(m[1]) : 12;
  return { size, font: m ? font.replace(m[0], `${Number((size * k).toFixed(2))}px`) : font };
}

/** A measure that counts subscripts at their own (smaller) size. */
export function richMeasure(measure: Measure): Measure {
  return (text, font) => {
    const runs = subscriptRuns(text);
    if (runs.length === 1) return measure(text, font);
    const sub = scaledFont(font, SUBSCRIPT_SCALE).font;
    return runs.reduce((w, r) => w + measure(r.text, r.sub ? sub : font), 0);
  };
}

/** The width of the text in the context's font, subscripts included. */
export function richWidth(ctx: TextContext, text: string): number {
  const font = ctx.font;
  const width = richMeasure((t, f) => {
    ctx.font = f;
    return ctx.measureText(t).width;
  })(text, font);
  ctx.font = font;
  return width;
}

/** fillText with subscripts set, in the context's font, alignment and baseline. */
export function fillRich(ctx: TextContext, text: string, x: number, y: number): void {
  const runs = subscriptRuns(text);
  if (runs.length === 1 && !runs[0].sub) {
    ctx.fillText(text, x, y);
    return;
  }
  const { font, textAlign } = ctx,
    { size, font: subFont } = scaledFont(font, SUBSCRIPT_SCALE);
  const widths = runs.map((r) => {
    ctx.font = r.sub ? subFont : font;
    return ctx.measureText(r.text).width;
  });
  const total = widths.reduce((s, w) => s + w, 0);
  let at = textAlign === 'center' ? x - total / 2 : textAlign === 'right' || textAlign === 'end' ? x - total : x;
  // the subscript's baseline SUBSCRIPT_DROP below the text's, whatever the baseline
  const drop = size * ((1 - SUBSCRIPT_SCALE) * (BASELINE[ctx.textBaseline] ?? 0) + SUBSCRIPT_DROP);
  ctx.textAlign = 'left';
  runs.forEach((r, i) => {
    ctx.font = r.sub ? subFont : font;
    ctx.fillText(r.text, at, r.sub ? y + drop : y);
    at += widths[i];
  });
  ctx.font = font;
  ctx.textAlign = textAlign;
}

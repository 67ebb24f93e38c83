// Helpers of test/web-look.test.ts (the page's presentation): pixels of screenshots, the
// colours of every visible text against what lies behind it, cells that clip their content,
// and downloads saved from a click.
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { Locator, Page } from 'playwright-core';
import { contrastRatio } from '../../src/report/colors.js';

export interface Pixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
  at(x: number, y: number): [number, number, number];
}

/** A PNG (a screenshot, a download) as RGBA pixels. */
export async function pixels(png: Buffer | Uint8Array): Promise<Pixels> {
  const img = await loadImage(Buffer.from(png));
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height).data;
  return {
    width: img.width,
    height: img.height,
    data,
    at: (x, y) => {
      const i = 4 * (Math.round(y) * img.width + Math.round(x));
      return [data[i], data[i + 1], data[i + 2]];
    },
  };
}

const hex = ([r, g, b]: [number, number, number]) => `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;

type Box = { x: number; y: number; w: number; h: number };

/** The whole pixels a rectangle covers, clamped to the image. */
function span(p: Pixels, r: Box): { x0: number; x1: number; y0: number; y1: number } {
  return {
    x0: Math.max(0, Math.floor(r.x)),
    x1: Math.min(p.width, Math.ceil(r.x + r.w)),
    y0: Math.max(0, Math.floor(r.y)),
    y1: Math.min(p.height, Math.ceil(r.y + r.h)),
  };
}

/** Pixels in the rectangle whose colour is within `tol` (sum of channel differences) of `color`. */
export function countNear(p: Pixels, color: string, rect: Box, tol = 40): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  const { x0, x1, y0, y1 } = span(p, rect);
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = 4 * (y * p.width + x);
      if (Math.abs(p.data[i] - r) + Math.abs(p.data[i + 1] - g) + Math.abs(p.data[i + 2] - b) <= tol) n++;
    }
  }
  return n;
}

/** Pixels in the rectangle that differ from `background` by more than `tol` (ink: text, lines). */
export function inkPixels(p: Pixels, background: string, rect: Box, tol = 60): number {
  const { x0, x1, y0, y1 } = span(p, rect);
  return Math.max(0, x1 - x0) * Math.max(0, y1 - y0) - countNear(p, background, rect, tol);
}

export const colorHex = hex;

export interface TextColour {
  text: string;
  where: string;
  color: string;
  background: string;
  ratio: number;
}

/**
 * Every visible text on the page (an element with a text node of its own, not disabled, not
 * visually hidden) with its colour and the opaque colour behind it (backgrounds composited up
 * the ancestors), and their contrast ratio.
 */
export async function textColours(page: Page): Promise<TextColour[]> {
  const found = await page.evaluate(() => {
    type Rgba = [number, number, number, number];
    const parse = (c: string): Rgba | null => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return null;
      const p = m[1]
        .split(/[\s,/]+/)
        .filter(Boolean)
        .map(Number);
      return [p[0], p[1], p[2], p[3] ?? 1];
    };
    const over = (top: Rgba, under: Rgba): Rgba => {
      const a = top[3];
      return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat(1) as Rgba;
    };
    const behind = (el: Element): Rgba => {
      const layers: Rgba[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c[3] > 0) {
          layers.push(c);
          if (c[3] >= 1) break;
        }
      }
      let base: Rgba = parse(getComputedStyle(document.documentElement).backgroundColor) ?? [255, 255, 255, 1];
      if (base[3] < 1) base = over(base, matchMedia('(prefers-color-scheme: dark)').matches ? [18, 18, 18, 1] : [255, 255, 255, 1]);
      for (let i = layers.length - 1; i >= 0; i--) base = over(layers[i], base);
      return base;
    };
    const out: { text: string; where: string; color: Rgba; background: Rgba }[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      if (/^(SCRIPT|STYLE|OPTION|CANVAS|svg|path|TEXTAREA)$/.test(el.tagName)) continue;
      if (el.closest('.katex-mathml, .sr-only, [disabled], [aria-hidden="true"]')) continue;
      const own = Array.from(el.childNodes)
        .filter((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim())
        .map((n) => n.textContent!.trim());
      if (!own.length || el.getClientRects().length === 0) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 2 || r.height < 2) continue;
      const style = getComputedStyle(el);
      if (style.visibility !== 'visible') continue;
      let opacity = 1;
      for (let e: Element | null = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
      if (opacity < 0.99) continue;
      const color = parse(style.color);
      if (!color) continue;
      const background = behind(el);
      const where = el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}.${Array.from(el.classList).join('.')} in #${el.closest('[id]')?.id ?? '?'}`;
      out.push({ text: own.join(' ').slice(0, 60), where, color: color[3] < 1 ? over(color, background) : color, background });
    }
    return out;
  });
  return found.map((f) => {
    const color = hex(f.color.slice(0, 3).map(Math.round) as [number, number, number]);
    const background = hex(f.background.slice(0, 3).map(Math.round) as [number, number, number]);
    return { text: f.text, where: f.where, color, background, ratio: contrastRatio(color, background) };
  });
}

/** Cells (th, td) under `scope` whose content is wider than the cell, or that stick out of `scope`. */
export async function clippedCells(scope: Locator): Promise<string[]> {
  return scope.evaluate((root) => {
    const box = root.getBoundingClientRect();
    const bad: string[] = [];
    for (const cell of Array.from(root.querySelectorAll('th, td')) as HTMLElement[]) {
      if (cell.getClientRects().length === 0) continue;
      // a visually hidden header (stacked rows name their columns in each cell instead)
      const head = cell.closest('thead');
      if (head && head.getBoundingClientRect().width <= 1) continue;
      const r = cell.getBoundingClientRect();
      const what = `${cell.closest('tr')?.getAttribute('data-estimate-id') ?? 'head'} / ${cell.dataset.label ?? cell.textContent?.trim().slice(0, 20)}`;
      if (cell.scrollWidth > cell.clientWidth + 1) bad.push(`${what}: content ${cell.scrollWidth} px in a cell of ${cell.clientWidth} px`);
      if (r.right > box.right + 1 || r.left < box.left - 1) bad.push(`${what}: cell [${r.left}, ${r.right}] outside [${box.left}, ${box.right}]`);
      for (const child of Array.from(cell.querySelectorAll('*')) as HTMLElement[]) {
        const c = child.getBoundingClientRect();
        if (c.width > 0 && (c.right > r.right + 1 || c.left < r.left - 1)) bad.push(`${what}: ${child.className} sticks out of its cell`);
      }
    }
    if (root.scrollWidth > root.clientWidth + 1) bad.push(`the table is ${root.scrollWidth} px wide in ${root.clientWidth} px`);
    return bad;
  });
}

/** Clicks `locator` and returns the download it starts: the suggested name and the bytes. */
export async function saved(page: Page, locator: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(locator)]);
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
  return { name: download.suggestedFilename(), bytes: Buffer.concat(chunks) };
}

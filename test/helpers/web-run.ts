// Helpers of the run-flow tests of the web page (test/web-run.test.ts; the page is built,
// served and opened by web-suite.ts): a run started and its state waited for, a worker's
// replies held, boxes checked against the viewport, screenshots saved and read back as
// pixels, and results reduced to their numbers (figures, tables, estimates)
// for comparisons.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { Page } from 'playwright-core';
import type { ExperimentResult } from '../../src/experiments/types.js';

export type Box = { x: number; y: number; width: number; height: number };

/** The element's box in the viewport (getBoundingClientRect), or null when it is not rendered. */
export async function boxOf(page: Page, selector: string): Promise<Box | null> {
  return page.evaluate((s) => {
    const e = document.querySelector(s);
    if (!e) return null;
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 ? { x: r.x, y: r.y, width: r.width, height: r.height } : null;
  }, selector);
}

/** Waits until the element's top is inside the viewport, above `above` px from its bottom. */
export async function waitInView(page: Page, selector: string, above = 0, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    ([s, a]) => {
      const e = document.querySelector(s as string);
      if (!e) return false;
      const r = e.getBoundingClientRect();
      return r.height > 0 && r.top >= -3 && r.top < window.innerHeight - (a as number) - 40;
    },
    [selector, above] as const,
    { timeout },
  );
}

/** Whether a box lies wholly inside the viewport. */
export function inside(box: Box | null, viewport: { width: number; height: number }): boolean {
  return box !== null && box.x >= -1 && box.y >= -1 && box.x + box.width <= viewport.width + 1 && box.y + box.height <= viewport.height + 1;
}

/** Saves a screenshot of the viewport to `dir/name.png` and returns its pixels. */
export async function screenshot(
  page: Page,
  dir: string,
  name: string,
): Promise<{ width: number; height: number; rgba: Uint8ClampedArray; scale: number }> {
  const png = await page.screenshot();
  writeFileSync(join(dir, `${name}.png`), png);
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const viewport = page.viewportSize()!;
  return { width: img.width, height: img.height, rgba: ctx.getImageData(0, 0, img.width, img.height).data, scale: img.width / viewport.width };
}

/** Distinct colours (4 bits a channel) and non-white pixels of a screenshot inside a box (CSS px). */
export function colours(
  shot: { width: number; height: number; rgba: Uint8ClampedArray; scale: number },
  box: Box,
): { distinct: number; inked: number } {
  const set = new Set<number>();
  let inked = 0;
  const x0 = Math.max(0, Math.floor(box.x * shot.scale));
  const y0 = Math.max(0, Math.floor(box.y * shot.scale));
  const x1 = Math.min(shot.width, Math.ceil((box.x + box.width) * shot.scale));
  const y1 = Math.min(shot.height, Math.ceil((box.y + box.height) * shot.scale));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = 4 * (y * shot.width + x);
      const [r, g, b] = [shot.rgba[i], shot.rgba[i + 1], shot.rgba[i + 2]];
      set.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
      if (r < 235 || g < 235 || b < 235) inked++;
    }
  }
  return { distinct: set.size, inked };
}

/** The numbers of a result: its figures, tables and estimates (timings and provenance left out). */
export function numbers(r: Pick<ExperimentResult, 'figures' | 'tables' | 'estimates'>): unknown {
  return { figures: r.figures, tables: r.tables, estimates: r.estimates };
}

export async function pageResult(page: Page): Promise<ExperimentResult> {
  return page.evaluate(() => (window as unknown as { moeCusp: { result: ExperimentResult } }).moeCusp.result);
}

/** When holdReplies starts holding: after the first finished chunk, or the first live frame with data. */
export interface Hold {
  after: 'chunk' | 'live';
  /** false: hold only in runs started after `window.moeCuspArm()` (default true) */
  armed?: boolean;
}

/**
 * An init script (OpenOptions.init of web-suite.ts, with a Hold as initArg) that holds the replies of the
 * page's CPU workers, and its WebGPU buffer reads (GPUBuffer.mapAsync), from the point the
 * Hold names until `window.moeCuspRelease()` is called (after Stop). A run then cannot end,
 * or move on to its next sweep speed, before the test has looked at it and pressed Stop,
 * however fast or loaded the machine. Without it a small map finished in under a second on
 * an idle machine, and a loaded one finished a sweep's first speed before Stop.
 */
export function holdReplies(arg: unknown): void {
  const hold = arg as Hold;
  const w = window as unknown as {
    Worker: typeof Worker;
    moeCuspRelease: () => void;
    moeCuspArm: () => void;
    moeCusp?: { live?: { points: number } };
  };
  const Base = w.Worker;
  const held: (() => void)[] = [];
  let released = false;
  let armed = hold.armed !== false;
  w.moeCuspArm = () => {
    armed = true;
  };
  const due = () => armed && (hold.after === 'live' ? (w.moeCusp?.live?.points ?? 0) > 0 : Number(document.body.dataset.chunks) >= 1);
  w.moeCuspRelease = () => {
    released = true;
    for (const f of held.splice(0)) f();
  };
  const gpu = (globalThis as unknown as { GPUBuffer?: { prototype: { mapAsync: (...a: unknown[]) => Promise<void> } } }).GPUBuffer;
  if (gpu) {
    const map = gpu.prototype.mapAsync;
    gpu.prototype.mapAsync = function (this: unknown, ...args: unknown[]) {
      if (released || !due()) return map.apply(this, args);
      return new Promise<void>((resolve, reject) => held.push(() => map.apply(this, args).then(resolve, reject)));
    };
  }
  w.Worker = class extends Base {
    // biome-ignore lint/suspicious/noExplicitAny: the accessor wraps whatever handler the page sets
    override set onmessage(f: any) {
      super.onmessage = (ev: MessageEvent) => {
        if (!released && due()) held.push(() => f.call(this, ev));
        else f.call(this, ev);
      };
    }
    override get onmessage() {
      return super.onmessage;
    }
  };
}

/** Presses Stop (the run bar's, or `selector`), then lets the held replies through (holdReplies). */
export async function stopHeld(page: Page, selector = '#dock-stop'): Promise<void> {
  await page.click(selector);
  await page.evaluate(() => (window as unknown as { moeCuspRelease: () => void }).moeCuspRelease());
}

/** Clicks Run (scrolled to it first, as a person would) and waits for one of `states`. */
export async function clickRun(page: Page): Promise<void> {
  await page.locator('#run').scrollIntoViewIfNeeded();
  await page.click('#run');
}

export async function waitState(page: Page, state: string, timeout = 120_000): Promise<void> {
  await page.waitForSelector(`body[data-state="${state}"], body[data-state="failed"]`, { timeout });
  const now = await page.getAttribute('body', 'data-state');
  assert.equal(now, state, `the run ended ${now}: ${await page.textContent('#progress-text')}`);
}

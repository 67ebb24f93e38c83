// The report's script in the browser (bundled into an IIFE by scripts/generate.mjs): reads
// the figures embedded by html.ts and mounts them with charts.ts (shared with the web page):
// heatmaps on a <canvas> (hover shows the cell), line figures with uPlot (loaded as the
// global `uPlot` before this script).
// When done: body[data-rendered="true"], data-figures = figures drawn, data-failed = errors.

import type UPlot from 'uplot';
import { mountHeatmap, mountLines } from './charts.js';
import { REPORT_DATA_ID, type ViewerData } from './html.js';

declare const uPlot: typeof UPlot;

function main(): void {
  const data = JSON.parse(document.getElementById(REPORT_DATA_ID)?.textContent ?? '{"experiments":[]}') as ViewerData;
  let drawn = 0,
    failed = 0;
  const redraws: { host: HTMLElement; draw: (width: number) => void; width: number }[] = [];
  document.querySelectorAll<HTMLElement>('[data-experiment-id]').forEach((section) => {
    const figures = data.experiments.find((e) => e.id === section.dataset.experimentId)?.figures ?? [];
    section.querySelectorAll<HTMLElement>('[data-figure-index]').forEach((el) => {
      const host = el.querySelector<HTMLElement>('.fig-plot')!,
        readout = el.querySelector<HTMLElement>('.readout')!;
      try {
        const fig = figures[Number(el.dataset.figureIndex)];
        if (!fig) throw new Error(`figure ${el.dataset.figureId} is missing from the embedded data`);
        const { draw } = fig.kind === 'heatmap' ? mountHeatmap(host, readout, fig) : mountLines(host, fig, uPlot);
        const width = Math.floor(host.clientWidth) || 600;
        draw(width);
        redraws.push({ host, draw, width });
        drawn++;
      } catch (err) {
        failed++;
        console.error(`report: could not draw figure ${el.dataset.figureId}:`, err);
        host.innerHTML = '';
        const p = document.createElement('p');
        p.className = 'failed';
        p.textContent = `Could not draw this figure: ${err instanceof Error ? err.message : String(err)}`;
        host.append(p);
      }
    });
  });
  let pending = 0;
  window.addEventListener('resize', () => {
    clearTimeout(pending);
    pending = window.setTimeout(() => {
      for (const r of redraws) {
        const width = Math.floor(r.host.clientWidth);
        if (width > 0 && width !== r.width) {
          r.width = width;
          r.draw(width);
        }
      }
    }, 150);
  });
  Object.assign(document.body.dataset, { figures: String(drawn), failed: String(failed), rendered: 'true' });
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
  else main();
}

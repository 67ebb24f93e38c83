// Writes an experiment's outputs into an output folder (src/node/out-dir.ts): <out>/<id>/
// with result.json, one CSV per table and one PNG per figure (its parameters, seed and specs in
// PNG text metadata), published as one set, and
// <out>/report.html over the experiments of a run. Every file goes through a temporary name
// and a rename, so an interrupted run never leaves a truncated file or a mixed set behind.

import type { ExperimentResult } from '../experiments/types.js';
import { figurePngText } from '../report/exports.js';
import { buildReportHtml } from '../report/html.js';
import { loadReportAssets } from '../report/assets.js';
import { renderFigurePng } from '../report/png.js';
import { tableToCsv, toJson } from '../report/tables.js';
import { type OutputFolder, writeFileAtomic } from './out-dir.js';

export { tableToCsv, toJson, writeFileAtomic };

export interface WriteOptions {
  png?: boolean;
}

/** Publishes one experiment's folder; returns it. */
export function writeExperiment(out: OutputFolder, result: ExperimentResult, options: WriteOptions = {}): string {
  return out.publish(result.id, (put) => {
    for (const t of result.tables) put(`${t.name}.csv`, tableToCsv(t));
    if (options.png ?? true) {
      for (const f of result.figures)
        put(`${f.id}.png`, renderFigurePng(f, { width: 900, height: f.kind === 'heatmap' ? 640 : 520, text: figurePngText(result, f) }));
    }
    put('result.json', toJson(result));
  });
}

export function writeReport(out: OutputFolder, title: string, experiments: ExperimentResult[]): string {
  return out.writeFile(['report.html'], buildReportHtml({ title, generatedAt: new Date().toISOString(), experiments }, loadReportAssets()));
}

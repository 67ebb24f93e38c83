// Writes an experiment's outputs: <out>/<id>/result.json, one CSV per table, one PNG per
// figure, and <out>/report.html over all experiments. Every file is written to a temporary
// name and renamed, so an interrupted run never leaves a truncated file behind.

import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentResult } from '../experiments/types.js';
import { buildReportHtml } from '../report/html.js';
import { loadReportAssets } from '../report/assets.js';
import { renderFigurePng } from '../report/png.js';
import { tableToCsv, toJson } from '../report/tables.js';

export { tableToCsv, toJson };

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export interface WriteOptions {
  png?: boolean;
}

/** Writes one experiment's folder; returns the paths written. */
export function writeExperiment(outDir: string, result: ExperimentResult, options: WriteOptions = {}): string[] {
  const dir = join(outDir, result.id);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, data: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileAtomic(path, data);
    written.push(path);
  };
  for (const t of result.tables) put(`${t.name}.csv`, tableToCsv(t));
  if (options.png ?? true) {
    for (const f of result.figures) put(`${f.id}.png`, renderFigurePng(f, { width: 900, height: f.kind === 'heatmap' ? 640 : 520 }));
  }
  put('result.json', toJson(result));
  return written;
}

export function writeReport(outDir: string, title: string, experiments: ExperimentResult[]): string {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'report.html');
  writeFileAtomic(path, buildReportHtml({ title, generatedAt: new Date().toISOString(), experiments }, loadReportAssets()));
  return path;
}

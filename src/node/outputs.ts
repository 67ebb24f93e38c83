// Writes an experiment's outputs: <out>/<id>/result.json, one CSV per table, one PNG per
// figure, and <out>/report.html over all experiments. Every file is written to a temporary
// name and renamed, so an interrupted run never leaves a truncated file behind.

import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentResult, Table } from '../experiments/types.js';
import { buildReportHtml } from '../report/html.js';
import { loadReportAssets } from '../report/assets.js';
import { renderFigurePng } from '../report/png.js';

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

function csvCell(v: number | string | null): string {
  if (v === null || (typeof v === 'number' && !Number.isFinite(v))) return '';
  if (typeof v === 'number') return String(v);
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function tableToCsv(t: Table): string {
  return [t.columns.map(csvCell), ...t.rows.map((r) => r.map(csvCell))].map((r) => r.join(',')).join('\n') + '\n';
}

/** JSON with non-finite numbers as null (JSON has no NaN), 2-space indented. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
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

// The page's elements by role (index.html ids), looked up once; main.ts and the modules it
// drives read them from here.

import type { ResultViews } from './results.js';

export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

export const ui = {
  engineStatus: $('engine-status'),
  experiment: $<HTMLSelectElement>('experiment'),
  note: $('experiment-note'),
  presetFields: $('preset-fields'),
  scale: $<HTMLSelectElement>('scale'),
  presetSeed: $<HTMLInputElement>('preset-seed'),
  presetSeedError: $('preset-seed-error'),
  editPreset: $<HTMLButtonElement>('edit-preset'),
  engine: $<HTMLSelectElement>('engine'),
  editor: $('editor'),
  expertEditor: $('expert-editor'),
  jsonPanel: $<HTMLDetailsElement>('json-panel'),
  json: $<HTMLTextAreaElement>('spec-json'),
  jsonError: $('spec-json-error'),
  downloadSpec: $<HTMLButtonElement>('download-spec'),
  copyLink: $<HTMLButtonElement>('copy-link'),
  form: $<HTMLFormElement>('setup-form'),
  run: $<HTMLButtonElement>('run'),
  stop: $<HTMLButtonElement>('stop'),
  summary: $('run-summary'),
  progress: $<HTMLProgressElement>('progress'),
  progressText: $('progress-text'),
  alert: $('alert'),
  alertText: $('alert-text'),
  continueGpu: $<HTMLButtonElement>('continue-gpu'),
  continueCpu: $<HTMLButtonElement>('continue-cpu'),
  results: $('results'),
  meta: $('results-meta'),
};
export const views: ResultViews = {
  figures: $('figures'),
  estimates: $('estimates'),
  exportsBox: $('exports'),
  exportButtons: $('export-buttons'),
  meta: ui.meta,
};

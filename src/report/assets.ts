// Node-only: the report's inline assets: uPlot's script and stylesheet from node_modules
// and the viewer bundled at build time (scripts/generate.mjs).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ReportAssets } from './html.js';
import { VIEWER_JS } from './viewer.generated.js';

const require = createRequire(import.meta.url);
let cached: ReportAssets | undefined;

export function loadReportAssets(): ReportAssets {
  cached ??= {
    uplotJs: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    viewerJs: VIEWER_JS,
  };
  return cached;
}

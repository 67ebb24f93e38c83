// The web page (web/index.html) built with Vite. It imports the project's core, experiments
// and report modules from src/ directly (TypeScript with NodeNext-style '.js' import paths,
// which Vite resolves to the '.ts' sources). base './' keeps every URL relative, so the
// static folder works from any host and path. Shaders come from src/core/shaders.generated.ts:
// run scripts/generate.mjs first (npm run web / build:web do).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Dev server: an edited shaders/*.wgsl regenerates src/core/shaders.generated.ts (and reloads). */
function shaders(): Plugin {
  const dir = fileURLToPath(new URL('../shaders', import.meta.url));
  const generate = fileURLToPath(new URL('../scripts/generate.mjs', import.meta.url));
  return {
    name: 'moe-cusp-shaders',
    configureServer(server) {
      server.watcher.add(dir);
      server.watcher.on('change', (file) => {
        if (file.startsWith(dir) && file.endsWith('.wgsl')) execFileSync(process.execPath, [generate], { stdio: 'inherit' });
      });
    },
  };
}

export default defineConfig({
  root,
  base: './',
  publicDir: false,
  clearScreen: false,
  plugins: [shaders()],
  build: {
    outDir: fileURLToPath(new URL('../dist-web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1000,
    rollupOptions: {
      // zod's sources carry /* @__PURE__ */ notes where Rollup cannot use them: harmless noise
      onwarn(warning, warn) {
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
        warn(warning);
      },
    },
  },
  worker: { format: 'es' },
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
});

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The admin page: built by `npm run build` into dist/ beside the reporting service, which serves it at `/`. */
const webRoot = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../../../dist/services/reporting/web', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: '/',
  // Vite's and Vitest's caches go with the project's other dependencies, not into the source tree.
  cacheDir: fileURLToPath(new URL('../../../node_modules/.vite/reporting-web', import.meta.url)),
  build: {
    outDir,
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // Every asset is a file of its own: the page's Content-Security-Policy allows no inline script or style.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  // `npx vite --config services/reporting/web/vite.config.mts` serves the page with the API of a local reporting service.
  server: { proxy: { '/v1': 'http://127.0.0.1:3003' } },
  test: {
    root: webRoot,
    include: ['src/**/*.unit.spec.ts'],
    environment: 'node',
  },
});

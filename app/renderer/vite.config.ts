/**
 * Vite build of the renderer: the same static bundle serves web mode (from the Hearth server) and the
 * Electron window (from disk), so asset URLs are relative.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The React Fast Refresh preamble that the dev server injects is an inline script, which the page's
 * strict CSP forbids. Only the dev server relaxes it; built bundles keep `script-src 'self'`.
 */
function allowRefreshPreambleInDev(): Plugin {
  return {
    name: 'hearth:dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [react(), allowRefreshPreambleInDev()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/renderer', import.meta.url)),
    emptyOutDir: true,
  },
});

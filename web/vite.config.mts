import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The SPA is built into dist/web-ui, which the API process serves at `/` (src/web-ui).
// `npx vite --config web/vite.config.ts` serves it with hot reload against an API on :5000.
const api = 'http://127.0.0.1:5000';
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: '../dist/web-ui', emptyOutDir: true, chunkSizeWarningLimit: 1200 },
  server: {
    proxy: Object.fromEntries(['/api', '/ajax-api', '/get-artifact', '/predict', '/version'].map((p) => [p, api])),
  },
});

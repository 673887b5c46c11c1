/**
 * The drafting room's build: one page and its hashed assets in `dist/`,
 * served by the server itself (server/src/web/staticRoutes.ts). Nothing is
 * loaded from elsewhere at run time: a room without internet works.
 *
 * `npm run dev --workspace web` serves the page with hot reload and sends
 * /graphql (HTTP and WebSocket) to a server on :4000 (`npm start`).
 */
import { defineConfig } from 'vite';

export default defineConfig({
  // Preact's JSX runtime (Vite 8 transforms TypeScript with Oxc).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: {
    // The SDK and the editor binding must share the page's one copy of Yjs
    // (two copies break `instanceof` checks and corrupt documents).
    dedupe: ['yjs', 'lib0', 'y-protocols', '@codemirror/state', '@codemirror/view'],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: { '/graphql': { target: 'http://localhost:4000', ws: true } },
  },
});

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { indiaStatesPlugin } from './src/india-states';

const here = fileURLToPath(new URL('.', import.meta.url));

// One build, two apps: the monitoring centre at /monitor/ and the citizen app at /citizen/.
export default defineConfig({
  root: resolve(here, 'app'),
  base: '/',
  publicDir: resolve(here, 'app/public'),
  plugins: [indiaStatesPlugin()],
  build: {
    outDir: resolve(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    // The monitoring centre carries its own map data (countries and India's states): 1.6 MB, 0.5 MB gzipped.
    chunkSizeWarningLimit: 1700,
    rollupOptions: {
      input: {
        home: resolve(here, 'app/index.html'),
        monitor: resolve(here, 'app/monitor/index.html'),
        citizen: resolve(here, 'app/citizen/index.html'),
      },
    },
  },
});

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
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: {
        home: resolve(here, 'app/index.html'),
        monitor: resolve(here, 'app/monitor/index.html'),
        citizen: resolve(here, 'app/citizen/index.html'),
      },
    },
  },
});

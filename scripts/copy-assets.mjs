// Non-TypeScript files the built code reads at run time (SQL migrations, static assets), and the
// web console, built by Vite from web/ into dist/console (served by `berth serve` at /).
import { cpSync } from 'node:fs';
import { build } from 'vite';
cpSync('src/adapters/store/migrations', 'dist/adapters/store/migrations', { recursive: true });
await build({ configFile: 'web/vite.config.ts' });

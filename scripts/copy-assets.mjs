// Non-TypeScript files the built code reads at run time (SQL migrations, static assets).
import { cpSync } from 'node:fs';
cpSync('src/adapters/store/migrations', 'dist/adapters/store/migrations', { recursive: true });

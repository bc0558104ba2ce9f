import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layering (docs/architecture.md): imports point down only. core does no I/O; surfaces reach the
// catalogue, never adapters or the engine; the engine sees core and ports; operations see core,
// ports and the engine.
const ioModules = ['fs', 'net', 'http', 'https', 'child_process', 'dgram', 'dns', 'tls', 'worker_threads', 'cluster'].flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]);
const ioPackages = ['dockerode', 'ssh2', 'pg', '@electric-sql/*', 'drizzle-orm', 'drizzle-orm/*', 'hono', 'hono/*', '@hono/*', 'commander', '@modelcontextprotocol/*'];
const restrict = (patterns, message) => ['error', { patterns: [{ group: patterns, message }] }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bin/**', '.berth-test/**', 'examples/**', 'test/fixtures/**'] },
  js.configs.recommended,
  { files: ['scripts/**/*.mjs'], languageOptions: { globals: { console: 'readonly', process: 'readonly' } } },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([...ioModules, ...ioPackages, '**/adapters/**', '**/operations/**', '**/engine/**', '**/surfaces/**', '**/main/**', '**/ports/**'], 'core/ is pure: no I/O, no outer layers.') },
  },
  {
    files: ['src/ports/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([...ioPackages, '**/adapters/**', '**/operations/**', '**/engine/**', '**/surfaces/**', '**/main/**'], 'ports/ are interfaces over core only.') },
  },
  {
    files: ['src/operations/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([...ioModules, ...ioPackages, '**/adapters/**', '**/surfaces/**', '**/main/**'], 'operations/ use core, ports and engine; adapters are wired in by main/.') },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([...ioModules, ...ioPackages, '**/adapters/**', '**/operations/**', '**/surfaces/**', '**/main/**'], 'engine/ uses core and ports; operations call it, never the other way.') },
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(['**/operations/**', '**/engine/**', '**/surfaces/**', '**/main/**'], 'adapters/ implement ports over core only.') },
  },
  {
    files: ['src/surfaces/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(['**/adapters/**', '**/engine/**', '**/main/**', '@electric-sql/*', 'drizzle-orm', 'drizzle-orm/*', 'pg', 'dockerode', 'ssh2'], 'surfaces/ reach the catalogue only, never adapters.') },
  },
);

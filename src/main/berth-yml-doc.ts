import { berthConfigJsonSchema, parseBerthConfig } from '../core/config/berth-config.js';

// docs/berth-yml.md, rendered from berth.yml's JSON Schema: each field's type, default and
// description come from the zod schemas, so the page cannot say what the parser does not do.
// The examples are written here and parsed when the page is rendered: one that stops parsing
// fails the generation.

interface Node {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  items?: Node;
  propertyNames?: Node;
  additionalProperties?: Node | boolean;
  properties?: Record<string, Node>;
  required?: string[];
}

export const FULL_EXAMPLE = `name: shop
source:
  kind: folder
  location: .
runtime:
  method: node
  buildCommand: npm run build
  startCommand: node dist/server.js
  memoryMb: 512
build:
  env:
    NODE_ENV: production
  secrets: [NPM_TOKEN]
network:
  internalPort: 3000
health:
  path: /healthz
  timeoutSeconds: 60
access:
  hostLabel: shop
`;

/** One snippet per top-level field, in the order of the schema. */
export const SECTION_EXAMPLES: Record<string, string> = {
  name: 'name: shop\n',
  source: `source:
  kind: git
  location: https://git.example.test/acme/monorepo.git
  gitRef: main
  baseDirectory: apps/shop
`,
  runtime: `runtime:
  method: dockerfile
  dockerfile: deploy/Dockerfile
  startCommand: node server.js --port 8080
  cpus: 0.5
`,
  build: `build:
  env:
    NODE_OPTIONS: --max-old-space-size=2048
  args:
    APP_VERSION: "1.4.2"
  secrets: [NPM_TOKEN]
  hostTrust: false # build without the host's CA bundle and proxy variables
`,
  network: `network:
  internalPort: 8080
  service: web
`,
  health: `health:
  path: /ready
  expectStatus: 204
  timeoutSeconds: 120
  intervalMs: 1000
`,
  access: `access:
  hostLabel: shop-api
`,
};

const code = (s: string) => `\`${s.replace(/\|/g, '\\|')}\``;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function range(min: number | undefined, max: number | undefined, unit = ''): string | undefined {
  if (min !== undefined && max !== undefined) return `${min}–${max}${unit}`;
  if (max !== undefined) return `at most ${max}${unit}`;
  if (min !== undefined) return `at least ${min}${unit}`;
  return undefined;
}

/** A field's type with its constraints, as a reader of the file needs them. */
export function typeText(n: Node): string {
  if (n.enum) return `one of ${n.enum.map((v) => code(String(v))).join(', ')}`;
  if (n.type === 'array' && n.items) return `list of ${typeText(n.items)}${n.maxItems !== undefined ? `; at most ${n.maxItems} items` : ''}`;
  if (n.type === 'object' && n.propertyNames && typeof n.additionalProperties === 'object') {
    const key = n.propertyNames.pattern ? `name matching ${code(n.propertyNames.pattern)}` : 'name';
    return `map of ${key} to ${typeText(n.additionalProperties)}`;
  }
  const limits = [n.type === 'string' ? range(n.minLength, n.maxLength, ' chars') : range(n.minimum, n.maximum), n.pattern ? `matching ${code(n.pattern)}` : undefined].filter(Boolean);
  return `${n.type ?? 'any'}${limits.length ? ` (${limits.join(', ')})` : ''}`;
}

function fieldRow(name: string, n: Node, required: boolean): string {
  const dflt = required ? 'required' : n.default !== undefined ? code(JSON.stringify(n.default)) : '—';
  return `| ${code(name)} | ${typeText(n)} | ${dflt} | ${cell(n.description ?? '')} |`;
}

export function berthYmlDoc(): string {
  const schema = berthConfigJsonSchema() as Node;
  const top = schema.properties ?? {};
  for (const [name, text] of Object.entries(SECTION_EXAMPLES)) {
    if (!(name in top)) throw new Error(`berth.yml has no field ${name} for its example`);
    parseBerthConfig(text, `example of ${name}`);
  }
  parseBerthConfig(FULL_EXAMPLE, 'full example');
  const lines = [
    '# berth.yml',
    '',
    'Generated from the berth.yml schema (`src/core/config/berth-config.ts` and the profiles in `src/core/model/profiles.ts`) by `npm run docs`; do not edit by hand.',
    '',
    "A resource's profiles kept next to its code. `berth up` and `berth plan` read `berth.yml` from the folder they deploy (or the file `--config` names) and send its sections as the deploy input; `berth resource configure` takes the same profiles (every section but `name` and `source`). Every section is optional. An unknown field anywhere is refused: `validation_failed`, with issue code `unsupported_field` and the field's path in `details.validationIssuePaths`.",
    '',
    'Editors can check the file against `schemas/berth.schema.json` (generated from the same schema).',
    '',
    '## Example',
    '',
    '```yaml',
    FULL_EXAMPLE.trimEnd(),
    '```',
    '',
    '## Top-level fields',
    '',
    '| field | type | default | description |',
    '|---|---|---|---|',
    ...Object.entries(top).map(([name, n]) => fieldRow(name, n, schema.required?.includes(name) ?? false)),
  ];
  for (const [name, n] of Object.entries(top)) {
    lines.push('', `## \`${name}\``, '');
    if (n.description) lines.push(n.description, '');
    if (n.type === 'object' && n.properties) {
      lines.push('| field | type | default | description |', '|---|---|---|---|');
      for (const [field, f] of Object.entries(n.properties)) lines.push(fieldRow(`${name}.${field}`, f, n.required?.includes(field) ?? false));
      lines.push('');
    } else lines.push(`Type: ${typeText(n)}.`, '');
    const example = SECTION_EXAMPLES[name];
    if (example === undefined) throw new Error(`berth.yml field ${name} has no example`);
    lines.push('```yaml', example.trimEnd(), '```');
  }
  return lines.join('\n') + '\n';
}

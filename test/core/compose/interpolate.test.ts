import { describe, expect, it } from 'vitest';
import { escapeTree, interpolateString, interpolateTree } from '../../../src/core/compose/interpolate.js';
import { foldEnvFiles, parseEnvFile, stackVariables } from '../../../src/core/compose/env-file.js';
import { composeModel, parseCompose, parseComposeDocument, stringifyComposeDocument } from '../../../src/core/compose/parse.js';
import { thrown } from '../../adapters/sources/fs-fixtures.js';

const vars = { TAG: '1.2', EMPTY: '', PASSWORD: 's3cr3t-from-dotenv' };
const at = 'services.web.image';

describe('compose interpolation', () => {
  it.each([
    ['app:${TAG}', 'app:1.2'],
    ['app:$TAG', 'app:1.2'],
    ['$TAG.x', '1.2.x'],
    ['${MISSING:-7}', '7'],
    ['${MISSING-7}', '7'],
    ['${EMPTY:-7}', '7'],
    ['${EMPTY-7}', ''],
    ['${TAG:-7}', '1.2'],
    ['${TAG:?needed}', '1.2'],
    ['${EMPTY?needed}', ''],
    ['${TAG:+set}', 'set'],
    ['${MISSING:+set}', ''],
    ['${MISSING:-${TAG}}', '1.2'],
    ['${MISSING:-a-${MISSING2:-b}-c}', 'a-b-c'],
    ['price: $$5', 'price: $5'],
    ['$${TAG}', '${TAG}'],
    ['no dollars', 'no dollars'],
  ])('%s -> %s', (text, out) => {
    expect(interpolateString(text, vars, at)).toBe(out);
  });

  it.each([
    ['${MISSING}', 'unset'],
    ['$MISSING', 'unset'],
    ['${MISSING:?set it in .env}', 'required'],
    ['${EMPTY:?must not be empty}', 'required'],
    ['${MISSING?}', 'required'],
    ['${MISSING:-${ALSO_MISSING}}', 'unset'],
  ])('%s is compose_variable_unresolved (%s), naming the variable and the field', (text, reason) => {
    const err = thrown(() => interpolateString(text, vars, at));
    expect(err.code).toBe('compose_variable_unresolved');
    expect(err.phase).toBe('plan');
    expect(err.details.field).toBe(at);
    expect(err.details.reason).toBe(reason);
    expect(['MISSING', 'EMPTY', 'ALSO_MISSING']).toContain(err.details.variable);
  });

  it.each(['${', '${TAG', '${1X}', '${TAG:x}', '$1', 'cost $', 'a $ b', '${}'])('%s is a validation_failed at the field', (text) => {
    const err = thrown(() => interpolateString(text, vars, at));
    expect(err.code).toBe('validation_failed');
    expect(err.details.validationIssuePaths).toEqual([at]);
  });

  it('walks values, not keys, and escapeTree undoes it', () => {
    const tree = { services: { web: { image: 'x:${TAG}', environment: ['A=$TAG', 'B=$$lit'], '${KEY}': 1, n: 3 } } };
    const out = interpolateTree(tree, vars) as typeof tree;
    expect(out).toEqual({ services: { web: { image: 'x:1.2', environment: ['A=1.2', 'B=$lit'], '${KEY}': 1, n: 3 } } });
    expect(interpolateTree(escapeTree(out), {})).toEqual(out);
    // The path names the field of a nested error.
    expect(thrown(() => interpolateTree({ services: { db: { volumes: ['${VOL}:/data'] } } }, {})).details).toMatchObject({ variable: 'VOL', field: 'services.db.volumes.0' });
  });

  it('a value from .env is never echoed by an error', () => {
    const env = stackVariables('PASSWORD=s3cr3t-from-dotenv\n', {});
    const errors = [
      thrown(() => composeModel(parseComposeDocument('services:\n  web:\n    image: ${PASSWORD}\n    ports: ["${PASSWORD}"]\n', 'compose.yaml', undefined, env).document)),
      thrown(() => parseComposeDocument('services:\n  web:\n    image: x\n    restart: ${PASSWORD}\n', 'compose.yaml', undefined, env)),
      thrown(() => parseComposeDocument('services:\n  web:\n    image: x\n    command: ${PASSWORD} ${NOPE}\n', 'compose.yaml', undefined, env)),
    ];
    expect(errors.map((e) => e.code)).toEqual(['validation_failed', 'validation_failed', 'compose_variable_unresolved']);
    for (const e of errors) expect(JSON.stringify(e.toObject())).not.toContain('s3cr3t');
  });
});

describe('stack variables and the compose document', () => {
  it('.env gives the variables, the shell wins, and .env values may use earlier ones', () => {
    const v = stackVariables("# vars\nTAG=2.0\nREGISTRY=local\nIMAGE=${REGISTRY}/app:${TAG}\nRAW='${TAG}'\nFROM_SHELL=file\n", { FROM_SHELL: 'shell', UNSET: undefined });
    expect(v).toMatchObject({ TAG: '2.0', IMAGE: 'local/app:2.0', RAW: '${TAG}', FROM_SHELL: 'shell' });
    expect('UNSET' in v).toBe(false);
    expect(stackVariables(undefined, { A: '1' })).toEqual({ A: '1' });
  });

  it('interpolates image, ports and volumes before the schema; env_file values too; the folded text carries literal $ escaped', () => {
    const text = [
      'services:',
      '  web:',
      '    image: app:${TAG:-latest}',
      '    ports: ["${WEB_PORT:-8080}:80"]',
      '    env_file: web.env',
      '    environment: { PRICE: "$$5" }',
      '  db:',
      '    image: postgres:${PG:?set PG}',
      '    volumes: ["${VOLUME:-db_data}:/var/lib/postgresql/data"]',
      'volumes:',
      '  db_data: {}',
    ].join('\n');
    const variables = stackVariables('PG=16\nDB_PASSWORD=pw\n', {});
    const { document } = parseComposeDocument(text, 'compose.yaml', undefined, variables);
    expect(document.services.web?.image).toBe('app:latest');
    expect(document.services.db?.image).toBe('postgres:16');
    expect(document.services.db?.volumes).toEqual(['db_data:/var/lib/postgresql/data']);
    const folded = foldEnvFiles(document, () => 'DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app\nLITERAL=\'$NOT\'\n', variables);
    expect(folded.services.web?.environment).toEqual({ DATABASE_URL: 'postgres://app:pw@db/app', LITERAL: '$NOT', PRICE: '$5' });
    // The control plane interpolates with no variables: the escaped text comes back unchanged.
    const model = parseCompose(stringifyComposeDocument(folded), 'compose.yaml');
    expect(model.services.find((s) => s.name === 'web')?.environment).toEqual({ DATABASE_URL: 'postgres://app:pw@db/app', LITERAL: '$NOT', PRICE: '$5' });
    expect(model.services.find((s) => s.name === 'web')?.ports[0]).toMatchObject({ host: 8080, container: 80 });
    expect(composeModel(folded).services).toHaveLength(2);
  });

  it('a compose file the control plane reads with ${VAR} unresolved never yields a literal ${...} image or volume', () => {
    const image = thrown(() => parseCompose('services:\n  web:\n    image: app:${TAG}\n    expose: [80]\n', 'compose.yaml', 'plan'));
    expect(image.code).toBe('compose_variable_unresolved');
    expect(image.details).toEqual({ variable: 'TAG', field: 'services.web.image', reason: 'unset' });
    const volume = thrown(() => parseCompose('services:\n  db:\n    image: pg\n    volumes: ["${DATA}:/data"]\n', 'compose.yaml', 'plan'));
    expect(volume.details).toMatchObject({ variable: 'DATA', field: 'services.db.volumes.0' });
    // Defaults still resolve where nothing else is known.
    expect(parseCompose('services:\n  web:\n    image: app:${TAG:-1}\n', 'compose.yaml').services[0]?.image).toBe('app:1');
  });

  it('an env file that uses an unknown variable names it, with the env file line path', () => {
    const err = thrown(() => parseEnvFile('OK=1\nURL=http://${HOST}/\n', 'services.web.env_file', {}));
    expect(err.code).toBe('compose_variable_unresolved');
    expect(err.details).toEqual({ variable: 'HOST', field: 'services.web.env_file.URL', reason: 'unset' });
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCompose } from '../../src/core/compose/parse.js';
import { buildDeployInput } from '../../src/surfaces/cli/deploy-args.js';
import { appDir } from '../support/apps.js';
import { thrown } from '../adapters/sources/fs-fixtures.js';

// What `berth up` / `berth plan` send for a compose file: interpolated with the shell over the
// stack's .env, env_file folded, and the `file:` secrets' contents beside the document.
describe('the compose document the CLI sends', () => {
  const stack = (files: Record<string, string>) => join(appDir(files), 'compose.yaml');

  it('interpolates from .env (the shell wins), folds env_file, and carries file secrets separately', () => {
    const file = stack({
      'compose.yaml': 'services:\n  web:\n    image: app:${TAG}\n    expose: ["${PORT:-80}"]\n    env_file: web.env\n    secrets: [key]\nsecrets:\n  key: { file: ./key.txt }\n',
      '.env': 'TAG=from-dotenv\nPORT=8080\n',
      'web.env': 'GREETING=hi ${TAG}\n',
      'key.txt': 'the-key-value',
    });
    const input = buildDeployInput(file, {}, process.cwd(), { TAG: 'from-shell' });
    expect(input.composeSecrets).toEqual({ key: 'the-key-value' });
    const text = input.composeDocument as string;
    expect(text).not.toContain('the-key-value');
    const web = parseCompose(text, 'compose.yaml').services[0]!;
    expect(web).toMatchObject({ image: 'app:from-shell', expose: [8080], environment: { GREETING: 'hi from-shell' } });
  });

  it('a secret file that does not exist is source_unreadable naming it; an unset variable names the variable', () => {
    // Only what a service mounts, with a source the plan accepts, is read and sent.
    const unused = stack({ 'compose.yaml': 'services:\n  web:\n    image: x\n    secrets: [used, my-key]\nsecrets:\n  used: { file: u.txt }\n  unused: { file: nope.txt }\n  my-key: { file: nope.txt }\n', 'u.txt': 'u' });
    expect(buildDeployInput(unused, {}, process.cwd(), {}).composeSecrets).toEqual({ used: 'u' });
    const missing = thrown(() => buildDeployInput(stack({ 'compose.yaml': 'services:\n  web:\n    image: x\n    secrets: [key]\nsecrets:\n  key: { file: ./nope.txt }\n' }), {}, process.cwd(), {}));
    expect(missing.code).toBe('source_unreadable');
    expect(missing.details).toEqual({ location: './nope.txt', reason: 'secret_file_missing' });
    const unset = thrown(() => buildDeployInput(stack({ 'compose.yaml': 'services:\n  web:\n    image: x:${TAG:?pick a tag}\n', '.env': 'OTHER=1\n' }), {}, process.cwd(), {}));
    expect(unset.code).toBe('compose_variable_unresolved');
    expect(unset.details).toEqual({ variable: 'TAG', field: 'services.web.image', reason: 'required' });
  });
});

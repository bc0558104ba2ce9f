import { describe, expect, it } from 'vitest';
import { parseCompose } from '../../../src/core/compose/parse.js';
import { thrown } from '../../adapters/sources/fs-fixtures.js';

// An unsupported compose field is refused naming the field and, where one exists, what to use.
describe('unsupported compose fields', () => {
  it.each([
    ['services:\n  web:\n    image: x\n    network_mode: host\n', 'services.web.network_mode', 'networks'],
    ['services:\n  web:\n    image: x\n    tmpfs: [/run]\n', 'services.web.tmpfs', 'type: tmpfs'],
    ['services:\n  web:\n    image: x\n    deploy: { restart_policy: { condition: any } }\n', 'services.web.deploy.restart_policy', 'restart'],
    ['services:\n  web:\n    image: x\n    volumes: [{ type: bind, source: /a, target: /b, bind: { propagation: shared } }]\n', 'services.web.volumes.0.bind', 'absolute source path'],
    ['services:\n  web:\n    image: x\nvolumes:\n  data: { driver_opts: { type: nfs } }\n', 'volumes.data.driver_opts', 'local driver'],
    ['services:\n  web:\n    image: x\nconfigs:\n  c: { file: ./c }\n', 'configs', 'secrets'],
  ])('%s names %s and the alternative', (text, path, instead) => {
    const err = thrown(() => parseCompose(text, 'compose.yaml'));
    expect(err.code).toBe('validation_failed');
    const i = (err.details.validationIssuePaths as string[]).indexOf(path);
    expect((err.details.validationIssueCodes as string[])[i]).toBe('unsupported_field');
    expect((err.details.validationIssueMessages as string[])[i]).toContain(instead);
  });

  it('a field without an alternative says only that it is not supported; a volume driver other than local is refused', () => {
    const err = thrown(() => parseCompose('services:\n  web:\n    image: x\n    privileged: true\n', 'compose.yaml'));
    expect(err.details.validationIssueMessages).toEqual(['Field is not supported by this operation.']);
    const driver = thrown(() => parseCompose('services:\n  web:\n    image: x\nvolumes:\n  data: { driver: rexray }\n', 'compose.yaml'));
    expect(driver.details.validationIssuePaths).toEqual(['volumes.data.driver']);
  });
});

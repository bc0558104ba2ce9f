import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/paths.js';

// The import layering is enforced by lint (run by `npm test`); this proves the rules bite.
describe('import layering', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const violations = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: `${ROOT}${file}` });
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').length;
  };

  it('core may not do I/O', async () => {
    expect(await violations('src/core/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toBe(1);
    expect(await violations('src/core/x.ts', "import { createHash } from 'node:crypto';\nexport const x = createHash;\n")).toBe(0);
  });

  it('surfaces may not import adapters', async () => {
    expect(await violations('src/surfaces/cli/x.ts', "import { openStore } from '../../adapters/store/open-store.js';\nexport const x = openStore;\n")).toBe(1);
  });

  it('operations may not import adapters or do I/O', async () => {
    expect(await violations('src/operations/x/y.ts', "import Docker from 'dockerode';\nexport const x = Docker;\n")).toBe(1);
    expect(await violations('src/operations/x/y.ts', "import { spawn } from 'node:child_process';\nexport const x = spawn;\n")).toBe(1);
  });

  it('the engine may not import operations (operations call the engine)', async () => {
    expect(await violations('src/engine/deployments/x.ts', "import { createAttempt } from '../../operations/deployments/start-attempt.js';\nexport const x = createAttempt;\n")).toBe(1);
    expect(await violations('src/operations/x/y.ts', "import { teardown } from '../../engine/deployments/teardown.js';\nexport const x = teardown;\n")).toBe(0);
  });
});

import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderUnit } from '../../src/surfaces/cli/service-unit.js';
import { runCli } from '../support/cli.js';
import { BIN, ROOT } from '../support/paths.js';

// `berth service install` writes the systemd unit that runs `berth serve` (it never calls
// systemctl, so nothing here needs a running systemd); --dry-run prints it and writes nothing.

interface Installed {
  dryRun: boolean;
  unitPath: string;
  written: boolean;
  unchanged: boolean;
  unit: string;
  next: string[];
}

/** A unit file as sections of key/value lists (keys may repeat, e.g. Environment). */
function parseUnit(text: string): Record<string, [string, string][]> {
  const sections: Record<string, [string, string][]> = {};
  let current: [string, string][] | undefined;
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) sections[header[1]!] = current = [];
    else {
      const at = line.indexOf('=');
      expect(at).toBeGreaterThan(0);
      current!.push([line.slice(0, at), line.slice(at + 1)]);
    }
  }
  return sections;
}

const env = { ...process.env, BERTH_URL: '', BERTH_TOKEN: '' };

describe('berth service install', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-units-'));
  const home = join(dir, 'home with space');

  it('--dry-run prints the unit for this installation and writes nothing', async () => {
    const unitDir = join(dir, 'dry');
    const res = await runCli(['service', 'install', '--dry-run', '--unit-dir', unitDir, '--home', home, '--listen', '127.0.0.1:7431', '--user', 'berth', '--json'], env);
    expect(res.code).toBe(0);
    const out = res.json<Installed>();
    expect(out).toMatchObject({ dryRun: true, written: false, unitPath: join(unitDir, 'berth.service') });
    expect(existsSync(unitDir)).toBe(false);

    const unit = parseUnit(out.unit);
    expect(Object.keys(unit)).toEqual(['Unit', 'Service', 'Install']);
    const service = unit.Service!;
    const values = (key: string) => service.filter(([k]) => k === key).map(([, v]) => v);
    expect(values('User')).toEqual(['berth']);
    expect(values('Environment')).toEqual([`BERTH_HOME="${home}"`, 'BERTH_LISTEN=127.0.0.1:7431']);
    expect(values('ExecStart')).toEqual([`${process.execPath} ${realpathSync(BIN)} serve --listen 127.0.0.1:7431`]);
    expect(values('Restart')).toEqual(['on-failure']);
    // Only berth serve is stopped: the edge proxy keeps serving across a restart.
    expect(values('KillMode')).toEqual(['process']);
    expect(unit.Unit!.find(([k]) => k === 'After')?.[1]).toContain('docker.service');
    expect(unit.Install).toEqual([['WantedBy', 'multi-user.target']]);
    expect(out.next).toEqual(['systemctl daemon-reload', 'systemctl enable --now berth', 'systemctl status berth']);

    // The human dry run prints the same unit under the path it would go to.
    const human = await runCli(['service', 'install', '--dry-run', '--unit-dir', unitDir, '--home', home, '--listen', '127.0.0.1:7431', '--user', 'berth'], env);
    const [first, ...rest] = human.stdout.split('\n');
    expect(first).toMatch(new RegExp(`^# ${join(unitDir, 'berth.service')} `));
    expect(rest.join('\n').trimEnd()).toBe(out.unit.trimEnd());
  });

  it('writes the unit to --unit-dir; the same unit again is unchanged; a different one needs --force', async () => {
    const unitDir = join(dir, 'real');
    const args = ['service', 'install', '--unit-dir', unitDir, '--home', home, '--name', 'berth-test', '--json'];
    const res = await runCli(args, env);
    expect(res.code).toBe(0);
    const out = res.json<Installed>();
    expect(out).toMatchObject({ dryRun: false, written: true, unchanged: false, unitPath: join(unitDir, 'berth-test.service') });
    expect(readFileSync(out.unitPath, 'utf8')).toBe(out.unit);
    // Without --user it runs as the account that installed it.
    expect(parseUnit(out.unit).Service!.filter(([k]) => k === 'User')).toEqual([['User', (await import('node:os')).userInfo().username]]);

    expect((await runCli(args, env)).json<Installed>()).toMatchObject({ written: false, unchanged: true });

    writeFileSync(out.unitPath, '[Unit]\nDescription=someone else\n');
    const refused = await runCli(args, env);
    expect(refused.code).toBe(4);
    expect(refused.json<{ error: { code: string; details: Record<string, unknown> } }>().error).toMatchObject({ code: 'service_unit_not_written', details: { unitPath: out.unitPath, reason: 'exists' } });
    expect(readFileSync(out.unitPath, 'utf8')).toContain('someone else');

    const forced = await runCli([...args, '--force'], env);
    expect(forced.json<Installed>()).toMatchObject({ written: true });
    expect(readFileSync(out.unitPath, 'utf8')).toBe(out.unit);

    // A user unit has no User= line, and says systemctl --user.
    const user = await runCli(['service', 'install', '--unit-dir', join(dir, '.config/systemd/user'), '--user', '', '--home', home, '--json'], env);
    const userOut = user.json<Installed>();
    expect(parseUnit(userOut.unit).Service!.some(([k]) => k === 'User')).toBe(false);
    expect(userOut.next[0]).toBe('systemctl --user daemon-reload');
  });

  it('a unit directory that cannot be written is service_unit_not_written', async () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const res = await runCli(['service', 'install', '--unit-dir', join(file, 'units'), '--json'], env);
    expect(res.code).toBe(4);
    expect(res.json<{ error: { code: string; details: Record<string, unknown> } }>().error).toMatchObject({ code: 'service_unit_not_written', details: { reason: 'ENOTDIR' } });
  });

  it('packaging/systemd/berth.service is the unit of the default install', () => {
    const packaged = readFileSync(join(ROOT, 'packaging/systemd/berth.service'), 'utf8');
    expect(packaged).toBe(renderUnit({ node: '/usr/bin/node', bin: '/usr/lib/node_modules/berth/bin/berth.js', home: '/var/lib/berth', listen: '127.0.0.1:7420', user: 'berth' }));
  });
});

import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BerthError } from '../../core/errors/berth-error.js';
import { berthHome } from '../client/state-file.js';
import { emit, errorResult, type CliIo } from './output.js';
import { renderUnit, type UnitSettings } from './service-unit.js';

// `berth service install`: writes the systemd unit that runs `berth serve` (service-unit.ts) for
// this installation: this Node.js, this CLI, the control plane's home and listen address. It
// writes the file and says what to run next; it never calls systemctl itself. A different unit
// already there is replaced only with --force; --dry-run prints the unit and writes nothing.

interface InstallFlags {
  unitDir: string;
  name: string;
  home?: string;
  listen: string;
  user?: string;
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
}

export const DEFAULT_UNIT_DIR = '/etc/systemd/system';

export function registerService(program: Command, deps: { io: CliIo }): void {
  const service = program.command('service').description('Run the control plane as a system service (systemd).');
  service
    .command('install')
    .description('Write the systemd unit that runs `berth serve` for this installation (--dry-run prints it). It does not start it: the output says the systemctl commands to run.')
    .option('--unit-dir <dir>', 'directory to write the unit to (~/.config/systemd/user for a user unit)', DEFAULT_UNIT_DIR)
    .option('--name <name>', 'unit name, without .service', 'berth')
    .option('--home <dir>', 'BERTH_HOME of the service (default: this CLI\'s, so it finds the service)')
    .option('--listen <host:port>', 'address berth serve listens on', '127.0.0.1:7420')
    .option('--user <name>', 'account the service runs as, a member of the docker group (default: you; "" for a user unit)')
    .option('--dry-run', 'print the unit and where it would go; write nothing')
    .option('--force', 'replace a different unit already at that path')
    .option('--json', 'print the result as JSON')
    .action((flags: InstallFlags) => deps.io.exit(install(deps.io, flags)));
}

function install(io: CliIo, flags: InstallFlags): number {
  const json = flags.json === true;
  try {
    const unitDir = resolve(flags.unitDir);
    const settings: UnitSettings = {
      node: process.execPath,
      bin: realpathSync(process.argv[1]!),
      home: resolve(flags.home ?? berthHome()),
      listen: flags.listen,
      user: flags.user === undefined ? userInfo().username : flags.user || null,
    };
    const unit = renderUnit(settings);
    const unitPath = join(unitDir, `${flags.name}.service`);
    const user = unitDir.includes('/systemd/user');
    const systemctl = user ? 'systemctl --user' : 'systemctl';
    const next = [`${systemctl} daemon-reload`, `${systemctl} enable --now ${flags.name}`, `${systemctl} status ${flags.name}`];
    const result = { dryRun: flags.dryRun === true, unitPath, written: false, unchanged: false, settings, unit, next };
    if (!flags.dryRun) {
      const existing = existsSync(unitPath) ? readFileSync(unitPath, 'utf8') : undefined;
      if (existing !== undefined && existing !== unit && !flags.force) {
        throw new BerthError('service_unit_not_written', 'A different unit is already at this path: compare it with --dry-run, or replace it with --force.', { unitPath, reason: 'exists' });
      }
      result.unchanged = existing === unit;
      if (!result.unchanged) write(unitDir, unitPath, unit);
      result.written = !result.unchanged;
    }
    if (json) io.out(JSON.stringify(result, null, 2));
    else if (flags.dryRun) io.out(`# ${unitPath} (dry run: not written)\n${unit}`);
    else io.out([`${result.unchanged ? 'unchanged' : 'wrote'} ${unitPath}`, 'next:', ...next.map((c) => `  ${user ? '' : 'sudo '}${c}`)].join('\n'));
    return 0;
  } catch (err) {
    return emit(io, json, errorResult(err));
  }
}

function write(unitDir: string, unitPath: string, unit: string): void {
  try {
    mkdirSync(unitDir, { recursive: true });
    writeFileSync(unitPath, unit, { mode: 0o644 });
  } catch (err) {
    throw new BerthError('service_unit_not_written', 'The unit directory cannot be written.', { unitPath, reason: (err as NodeJS.ErrnoException).code ?? 'write-failed' });
  }
}

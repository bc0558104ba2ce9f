// The systemd unit that runs `berth serve` as a service: the control plane's home and listen
// address in its environment, restarted on failure, after Docker. Secrets (BERTH_DATABASE_URL
// with a password, BERTH_SECRET_KEY) go in the optional environment file, never in the unit.
// packaging/systemd/berth.service is this text for the default install (a test keeps it so).

export interface UnitSettings {
  /** The Node.js binary and the CLI script `berth serve` runs from (absolute paths). */
  node: string;
  bin: string;
  home: string;
  listen: string;
  /** The account it runs as; none in a user unit (`--unit-dir ~/.config/systemd/user`). */
  user: string | null;
}

export function renderUnit(s: UnitSettings): string {
  return [
    '[Unit]',
    'Description=Berth control plane (berth serve)',
    'Documentation=https://berth.dev/docs',
    'After=network-online.target docker.service',
    'Wants=network-online.target docker.service',
    '',
    '[Service]',
    'Type=simple',
    ...(s.user ? [`User=${s.user}`] : []),
    `Environment=BERTH_HOME=${quote(s.home)}`,
    `Environment=BERTH_LISTEN=${quote(s.listen)}`,
    // Optional: BERTH_DATABASE_URL, BERTH_SECRET_KEY and other settings, one NAME=value a line.
    `EnvironmentFile=-${quote(`${s.home}/berth.env`)}`,
    `ExecStart=${quote(s.node)} ${quote(s.bin)} serve --listen ${quote(s.listen)}`,
    'Restart=on-failure',
    'RestartSec=2s',
    // SIGTERM to berth serve only: it closes the store, and the edge proxy it started keeps
    // serving the apps across a restart or upgrade of the control plane.
    'KillSignal=SIGTERM',
    'KillMode=process',
    'TimeoutStopSec=60s',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** systemd quoting for a word with spaces or quotes; plain words stay as they are. */
function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/(["\\])/g, '\\$1')}"`;
}

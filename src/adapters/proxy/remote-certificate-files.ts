import type Docker from 'dockerode';
import { pemCertificates } from '../../platform/ca-bundle.js';
import { execIn } from '../docker/container-exec.js';

// What certificate readiness reads on a server: the domain's certificate files in the edge's
// storage (<storage>/certificates/<issuer>/<name>/<name>.crt, one per issuer) and the domain's
// lines of the edge's TLS log. Caddy runs as root in its container and its storage writes 0600
// files in 0700 directories, which the SSH user's SFTP cannot read: they are read in the edge
// container itself (cat and grep, as root; reads only). Never the private keys beside them.

const FILE_END = '--berth-end-of-file--';
const LOG_START = '--berth-tls-log--';

// A fixed script; the paths and the domain are arguments, never spliced into it.
const READ = [
  'd="$1"; storage="$2"; log="$3"',
  `for f in "$storage"/certificates/*/"$d"/"$d".crt; do [ -f "$f" ] && cat -- "$f" && printf '\\n%s\\n' '${FILE_END}'; done`,
  `printf '%s\\n' '${LOG_START}'`,
  '[ -f "$log" ] && grep -F -- "$d" "$log"',
  'exit 0',
].join('\n');

export interface CertificateFiles {
  /** Each certificate file found for the domain (a PEM chain, leaf first). */
  pems: string[];
  /** The TLS log's lines that name the domain (a superset: the parser matches exactly). */
  log: string;
}

export async function readCertificateFiles(docker: Docker, edgeContainer: string, x: { storage: string; tlsLog: string; domain: string }): Promise<CertificateFiles> {
  const out = await execIn(docker, edgeContainer, ['/bin/sh', '-c', READ, 'berth-cert-read', x.domain, x.storage, x.tlsLog], { user: '0:0', timeoutMs: 15_000 });
  if (out.exitCode !== 0) throw Object.assign(new Error('certificate read failed'), { code: `exit ${out.exitCode}` });
  const at = out.stdout.lastIndexOf(`${LOG_START}\n`);
  const files = at < 0 ? out.stdout : out.stdout.slice(0, at);
  const pems = files
    .split(`\n${FILE_END}\n`)
    .map((p) => p.trim())
    .filter((p) => pemCertificates(p).length > 0);
  return { pems, log: at < 0 ? '' : out.stdout.slice(at + LOG_START.length + 1) };
}

import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { STATIC_CONFIG, STATIC_SPA_CONFIG, staticCommand } from '../../core/plan/base-images.js';

// berth/static is assembled FROM scratch out of files this host already has, because the
// machine may reach no registry: the assembler lays out the image's root filesystem in a
// directory and returns the image config (Dockerfile instructions); nothing runs at build time.

const BUSYBOX_CANDIDATES = ['/usr/bin/busybox', '/bin/busybox', '/usr/local/bin/busybox'];
export const PATH_ENV = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A missing host prerequisite: the caller reports it (it is not an engine failure). */
export class BaseImagePrerequisiteMissing extends Error {}

function place(root: string, absolute: string): string {
  const target = join(root, absolute);
  mkdirSync(dirname(target), { recursive: true });
  return target;
}

/** Copies a host file to the same path in the context, following symlinks (the image gets the file). */
function copyHostFile(root: string, absolute: string, as = absolute): void {
  copyFileSync(realpathSync(absolute), place(root, as));
}

function writeFile(root: string, absolute: string, text: string, mode = 0o644): void {
  const target = place(root, absolute);
  writeFileSync(target, text);
  chmodSync(target, mode);
}

function hostBusybox(): string {
  const found = BUSYBOX_CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new BaseImagePrerequisiteMissing('busybox (busybox-static) is not installed');
  // A dynamically linked busybox would need its libraries in a scratch image.
  if (!/statically linked|not a dynamic executable/.test(lddOutput(found))) {
    throw new BaseImagePrerequisiteMissing(`${found} is not statically linked (install busybox-static)`);
  }
  return found;
}

function lddOutput(binary: string): string {
  try {
    return execFileSync('ldd', [binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    // ldd exits non-zero for static binaries, printing "not a dynamic executable".
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
}

/** Busybox as /bin/busybox with one symlink per applet at its usual path (/bin/sh, /usr/bin/wget...). */
function installBusybox(root: string): void {
  const busybox = hostBusybox();
  copyHostFile(root, busybox, '/bin/busybox');
  chmodSync(join(root, 'bin/busybox'), 0o755);
  const applets = execFileSync(busybox, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const applet of applets) {
    const target = join(root, applet);
    if (existsSync(target) || applet === 'bin/busybox') continue;
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync('/bin/busybox', target);
  }
}

/** What every base image needs: a root user for tools that look it up, and a writable /tmp. */
function installSkeleton(root: string): void {
  writeFile(root, '/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  writeFile(root, '/etc/group', 'root:x:0:\nnogroup:x:65534:\n');
  for (const dir of ['tmp', 'root']) mkdirSync(join(root, dir), { recursive: true });
  chmodSync(join(root, 'tmp'), 0o1777);
  chmodSync(join(root, 'root'), 0o700);
}

/**
 * Caddy's JSON for berth/static: /srv on `port`, no admin endpoint, no TLS, errors only. For a
 * single-page app (`spa`), a path that matches no file is served /index.html (Caddy's
 * `try_files {path} /index.html`), so a deep link reaches the app's router instead of a 404.
 */
export function staticServerConfig(port: number, spa = false): Record<string, unknown> {
  const fallback = { match: [{ file: { root: '/srv', try_files: ['{http.request.uri.path}', '/index.html'] } }], handle: [{ handler: 'rewrite', uri: '{http.matchers.file.relative}' }] };
  return {
    admin: { disabled: true },
    logging: { logs: { default: { level: 'ERROR' } } },
    apps: {
      http: {
        servers: {
          static: {
            listen: [`:${port}`],
            automatic_https: { disable: true },
            // Longer than the edge switch keeps an idle upstream connection (caddy-config.ts), so
            // the switch, not this server, always closes an idle one: a request never meets a
            // connection this end has just closed.
            idle_timeout: '5m',
            routes: [...(spa ? [fallback] : []), { handle: [{ handler: 'file_server', root: '/srv' }] }],
          },
        },
      },
    },
  };
}

/** The host's Caddy (the one Berth runs as its edge proxy), by PATH like `spawn` finds it. */
function hostCaddy(): string {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const candidate = join(dir, 'caddy');
    if (existsSync(candidate)) return realpathSync(candidate);
  }
  throw new BaseImagePrerequisiteMissing('caddy is not installed (the static image serves files with it)');
}

/**
 * berth/static: the host's Caddy as a file server of /srv on `port`, with busybox for /bin/sh.
 * Not busybox httpd: it answers every request with `Connection: close` and listens with a
 * backlog of 9, so under load each request costs the proxy a new connection and some dials
 * time out (502). Caddy keeps connections alive and exits at once on SIGTERM as PID 1.
 * Returns the image config.
 */
export function assembleStaticRoot(root: string, port: number): string[] {
  const caddy = hostCaddy();
  installSkeleton(root);
  installBusybox(root);
  copyHostFile(root, caddy, '/usr/local/bin/caddy');
  chmodSync(join(root, 'usr/local/bin/caddy'), 0o755);
  for (const lib of sharedLibraries(caddy)) copyHostFile(root, lib);
  writeFile(root, STATIC_CONFIG, `${JSON.stringify(staticServerConfig(port), null, 2)}\n`);
  writeFile(root, STATIC_SPA_CONFIG, `${JSON.stringify(staticServerConfig(port, true), null, 2)}\n`);
  mkdirSync(join(root, 'srv'), { recursive: true });
  // XDG_* point at /tmp: Caddy looks for its data and config directories even when it needs none.
  return [
    `ENV PATH=${PATH_ENV} HOME=/root XDG_DATA_HOME=/tmp XDG_CONFIG_HOME=/tmp`,
    'WORKDIR /srv',
    `EXPOSE ${port}`,
    `CMD ${JSON.stringify(staticCommand(false))}`,
  ];
}

/** The shared libraries `ldd` resolves for a binary, the dynamic loader included. */
export function sharedLibraries(binary: string): string[] {
  const libs = new Set<string>();
  for (const line of lddOutput(binary).split('\n')) {
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m?.[1]) libs.add(m[1]);
  }
  return [...libs];
}

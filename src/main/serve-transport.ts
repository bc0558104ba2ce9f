import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { BerthError } from '../core/errors/berth-error.js';
import { validationError } from '../core/errors/validation.js';
import { isLoopbackHost } from '../core/net/loopback.js';
import { normalizeDomain } from '../core/domains/domain-name.js';
import type { ServeSettings } from './settings.js';

/** How the control plane serves its API: HTTPS with this pair, or plain HTTP (loopback, or on purpose). */
export interface ServeTransport {
  tls?: { cert: string; key: string };
  /** Plain HTTP beyond loopback, accepted with --insecure-http: doctor warns about it. */
  insecure: boolean;
  publicUrl?: string;
  /**
   * The public URL's host when the edge serves it (no pair of its own, the edge has HTTPS): the
   * control plane routes it on its local edge to its loopback listener, with an ACME certificate.
   */
  edgeHost?: string;
}

type TlsField = 'tls-cert' | 'tls-key' | 'public-url';

const invalid = (field: TlsField, reason: string, file?: string) =>
  new BerthError('tls_material_invalid', `The ${field} for the control plane cannot be used (${reason}).`, { field, reason, ...(file ? { file } : {}) }, 'startup');

function readPem(field: TlsField, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw invalid(field, 'unreadable', file);
  }
}

/** --public-url names where clients reach the API: an https origin, nothing more. */
function publicUrlOf(raw: string | undefined): URL | undefined {
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  const origin = url && url.protocol === 'https:' && !url.username && !url.password && url.pathname === '/' && !url.search && !url.hash;
  if (!origin) throw validationError([{ code: 'invalid_input', path: 'public-url', message: 'Expected an https origin, such as https://berth.example.com (no path, query or credentials).' }]);
  return url;
}

/** The certificate and key as files name them, checked to be a pair that is valid now. */
function loadPair(certFile: string, keyFile: string, publicUrl: URL | undefined, now: Date): { cert: string; key: string } {
  const cert = readPem('tls-cert', certFile);
  const key = readPem('tls-key', keyFile);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw invalid('tls-cert', 'not-pem', certFile);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw invalid('tls-key', 'not-pem', keyFile);
  }
  if (!x509.checkPrivateKey(privateKey)) throw invalid('tls-key', 'key-mismatch', keyFile);
  if (new Date(x509.validTo) < now) throw invalid('tls-cert', 'expired', certFile);
  if (publicUrl) {
    const host = publicUrl.hostname.replace(/^\[(.*)\]$/, '$1');
    const named = isIP(host) ? x509.checkIP(host) : x509.checkHost(host);
    if (!named) throw invalid('public-url', 'name-mismatch', certFile);
  }
  return { cert, key };
}

/**
 * Decides the transport before anything is opened: a bearer token must not cross a network in
 * clear, so plain HTTP beyond loopback is refused unless asked for (`listen_insecure`).
 */
export function serveTransport(settings: Pick<ServeSettings, 'host' | 'port' | 'tls' | 'insecureHttp' | 'publicUrl' | 'edgeTls' | 'baseDomain'>, now = new Date()): ServeTransport {
  const publicUrl = publicUrlOf(settings.publicUrl);
  const { certFile, keyFile } = settings.tls;
  if (certFile || keyFile) {
    if (!certFile) throw invalid('tls-cert', 'missing-pair');
    if (!keyFile) throw invalid('tls-key', 'missing-pair');
    return { tls: loadPair(certFile, keyFile, publicUrl, now), insecure: false, ...(publicUrl ? { publicUrl: publicUrl.origin } : {}) };
  }
  // The edge gets its certificate by ACME, per DNS name, as for a resource's domain.
  const edgeHost = publicUrl && settings.edgeTls ? normalizeDomain(publicUrl.hostname, 'public-url', settings.baseDomain) : undefined;
  const recorded = { ...(publicUrl ? { publicUrl: publicUrl.origin } : {}), ...(edgeHost ? { edgeHost } : {}) };
  // The edge is not a way around listen_insecure: what listens beyond loopback is held to it.
  if (isLoopbackHost(settings.host)) return { insecure: false, ...recorded };
  if (!settings.insecureHttp) {
    throw new BerthError(
      'listen_insecure',
      'Refusing to serve the API beyond loopback over plain HTTP: give --tls-cert and --tls-key, or --insecure-http to accept it.',
      { field: 'listen', host: settings.host, port: settings.port },
      'startup',
    );
  }
  return { insecure: true, ...recorded };
}

import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../../core/errors/berth-error.js';
import type { SecretCipher } from '../../ports/secrets.js';

// AES-256-GCM with a random 96-bit IV per value. The key is BERTH_SECRET_KEY when set (needed
// when several control planes share one PostgreSQL), else `<home>/secret.key`, created 0600 on
// first use. Sealed form: `v1.<iv>.<tag>.<ciphertext>`, each base64url.

const VERSION = 'v1';

export function secretKeyFile(home: string): string {
  return join(home, 'secret.key');
}

/** 32 bytes given as base64 are the key; anything else is a passphrase stretched with scrypt. */
export function keyFromSetting(setting: string): Buffer {
  const raw = Buffer.from(setting, 'base64');
  if (raw.length === 32 && raw.toString('base64').replace(/=+$/, '') === setting.replace(/=+$/, '')) return raw;
  return scryptSync(setting, 'berth-secret-key', 32);
}

function keyFromFile(home: string): Buffer {
  const file = secretKeyFile(home);
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process created it first: read theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

export function createSecretCipher(opts: { home: string; key?: string }): SecretCipher {
  let key: Buffer | undefined;
  const keyNow = () => (key ??= opts.key ? keyFromSetting(opts.key) : keyFromFile(opts.home));
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', keyNow(), iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return [VERSION, iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      try {
        if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('format');
        const d = createDecipheriv('aes-256-gcm', keyNow(), Buffer.from(iv, 'base64url'));
        d.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
      } catch {
        // Never the value or the key in the error: only that this control plane cannot open it.
        throw new BerthError('secret_key_mismatch', "A stored secret cannot be opened with this control plane's secret key.");
      }
    },
  };
}

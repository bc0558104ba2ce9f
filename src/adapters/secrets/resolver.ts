import { BerthError } from '../../core/errors/berth-error.js';
import type { ResourceSecretsRepo } from '../../ports/governance-store.js';
import type { SecretCipher, SecretResolver } from '../../ports/secrets.js';

/** Opens a resource's sealed secrets for the runner, and for nothing else. */
export function createSecretResolver(repo: ResourceSecretsRepo, cipher: SecretCipher): SecretResolver {
  return {
    async resolve(resourceId, names) {
      const out: Record<string, string> = {};
      for (const s of await repo.sealed(resourceId, names)) {
        try {
          out[s.name] = cipher.open(s.sealed);
        } catch (err) {
          // Which secret, never its value: the operator restores the key or sets that one again.
          if (err instanceof BerthError && err.code === 'secret_key_mismatch') throw new BerthError(err.code, err.message, { resourceId, name: s.name });
          throw err;
        }
      }
      return out;
    },
  };
}

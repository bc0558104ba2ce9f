import type { ResourceSecretsRepo } from '../../ports/governance-store.js';
import type { SecretCipher, SecretResolver } from '../../ports/secrets.js';

/** Opens a resource's sealed secrets for the runner, and for nothing else. */
export function createSecretResolver(repo: ResourceSecretsRepo, cipher: SecretCipher): SecretResolver {
  return {
    async resolve(resourceId, names) {
      const out: Record<string, string> = {};
      for (const s of await repo.sealed(resourceId, names)) out[s.name] = cipher.open(s.sealed);
      return out;
    },
  };
}

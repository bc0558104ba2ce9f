import type { Deployment } from '../../core/deployments/deployment.js';
import { logMask, type LogMask } from '../../core/diagnostics/log-mask.js';
import { validationError } from '../../core/errors/validation.js';
import type { Resource } from '../../core/model/records.js';
import type { ContainerEngine } from '../../ports/container-engine.js';
import type { OperationContext } from '../../ports/context.js';

// The containers whose logs a resource shows (the serving attempt's, one per service), each
// with the mask for its lines. Secret values come from the secret store and from the
// container's own environment (what the runner injected); they are used only to mask, inside
// this process, and never returned.

export interface LogSource {
  service: string;
  containerId: string;
  mask: LogMask;
  /** Whether the container's environment could be read (values masked, not only names). */
  valuesKnown: boolean;
}

export function secretNamesOf(resource: Resource, d: Deployment | undefined): string[] {
  return [...new Set([...resource.secretNames, ...(d?.snapshot.secretNames ?? [])])].sort();
}

/** Values of the resource's stored secrets, for masking only; none when the store cannot say. */
export async function storedSecretValues(ctx: OperationContext, resourceId: string, names: readonly string[]): Promise<Record<string, string>> {
  if (names.length === 0) return {};
  try {
    const sealed = await ctx.store.resourceSecrets.sealed(resourceId, names);
    return Object.fromEntries(sealed.map((s) => [s.name, ctx.secrets.open(s.sealed)]));
  } catch {
    return {};
  }
}

export async function logSources(ctx: OperationContext, engine: ContainerEngine, resource: Resource, serving: Deployment, service?: string): Promise<LogSource[]> {
  const containers = serving.runtime?.containers ?? [];
  if (service && !containers.some((c) => c.service === service)) {
    throw validationError([{ code: 'invalid_input', path: 'service', message: 'No service of the serving deployment has this name.' }]);
  }
  const names = secretNamesOf(resource, serving);
  const stored = await storedSecretValues(ctx, resource.id, names);
  return Promise.all(
    containers
      .filter((c) => !service || c.service === service)
      .map(async (c) => {
        const env = await engine.containerEnv(c.id).catch(() => undefined);
        const valuesKnown = env !== undefined || names.every((n) => n in stored);
        return { service: c.service, containerId: c.id, mask: logMask({ secretNames: names, env: { ...stored, ...env } }), valuesKnown };
      }),
  );
}

/** Lines of a log text; a trailing newline does not make an empty last line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

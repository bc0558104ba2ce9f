import type { Deployment } from '../../core/deployments/deployment.js';
import { logMask, type LogMask } from '../../core/diagnostics/log-mask.js';
import { validationError } from '../../core/errors/validation.js';
import type { Resource } from '../../core/model/records.js';
import type { ContainerEngine } from '../../ports/container-engine.js';

// The containers whose logs a resource shows (the serving attempt's, one per service), each
// with the mask for its lines. The mask reads the container's own environment, so a secret the
// runner injected is masked by value without its value ever leaving this process.

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

export async function logSources(engine: ContainerEngine, resource: Resource, serving: Deployment, service?: string): Promise<LogSource[]> {
  const containers = serving.runtime?.containers ?? [];
  if (service && !containers.some((c) => c.service === service)) {
    throw validationError([{ code: 'invalid_input', path: 'service', message: 'No service of the serving deployment has this name.' }]);
  }
  const names = secretNamesOf(resource, serving);
  return Promise.all(
    containers
      .filter((c) => !service || c.service === service)
      .map(async (c) => {
        const env = await engine.containerEnv(c.id).catch(() => undefined);
        return { service: c.service, containerId: c.id, mask: logMask({ secretNames: names, env }), valuesKnown: env !== undefined };
      }),
  );
}

/** Lines of a log text; a trailing newline does not make an empty last line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

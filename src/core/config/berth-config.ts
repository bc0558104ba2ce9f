import { z } from 'zod';
import type { Phase } from '../errors/types.js';
import { BerthError } from '../errors/berth-error.js';
import { issuesFromZod, validationError } from '../errors/validation.js';
import { accessProfile, buildProfile, healthProfile, networkProfile, resourceName, runtimeProfile, sourceProfile } from '../model/profiles.js';
import { parseYamlText } from './yaml-text.js';

// berth.yml: a resource's profiles kept next to its code. The profiles are the very schemas the
// API accepts, so a file that validates here is accepted by `resource configure` unchanged.
// Every section is optional: the CLI fills the name from the folder and the source from where
// the file lives.

export const BERTH_CONFIG_FILE = 'berth.yml';

export const berthConfigSchema = z.strictObject({
  name: resourceName.optional().describe('The resource name; defaults to the folder (or image) name. `--name` on the command line wins.'),
  source: sourceProfile.optional().describe('What to deploy. A source named on the command line wins; without either, the current folder.'),
  runtime: runtimeProfile.optional().describe('How the app is built and run.'),
  build: buildProfile.optional().describe('What the build sees: variables, build arguments, secrets and the host\'s trust settings.'),
  network: networkProfile.optional().describe('Where the app listens. `--port` on the command line sets internalPort.'),
  health: healthProfile.optional().describe('The check a new version must pass before it takes traffic.'),
  access: accessProfile.optional().describe('How the app is reached.'),
});
export type BerthConfig = z.infer<typeof berthConfigSchema>;

/** berth.yml text -> config; parse_failed on YAML syntax, validation_failed with field paths. */
export function parseBerthConfig(text: string, file: string = BERTH_CONFIG_FILE, phase?: Phase): BerthConfig {
  const raw = parseYamlText(text, file, phase) ?? {}; // an empty file is an empty config
  const result = berthConfigSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const err = validationError(issuesFromZod(result.error));
    throw new BerthError(err.code, err.message, { ...err.details, file }, phase);
  }
  return result.data;
}

/** JSON Schema of the file as written (defaults make fields optional), for editor completion. */
export function berthConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(berthConfigSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}

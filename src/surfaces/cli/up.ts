import type { Command } from 'commander';
import type { ErrorObject } from '../../core/errors/types.js';
import type { Operation } from '../../operations/operation.js';
import type { SourceProfile } from '../../core/model/profiles.js';
import { planBlock } from '../../core/plan/blocked-plan.js';
import type { SourcePacker } from '../../ports/uploads.js';
import type { ApiClient, CallResult } from '../client/api-client.js';
import { buildDeployInput, deploySource, type DeployFlags } from './deploy-args.js';
import { EXIT_CODES } from './exit-codes.js';
import { addFollowOptions, followAttempt, type FollowFlags } from './follow.js';
import { emit, errorResult, type CliIo } from './output.js';

// `berth up`: create or reuse the resource, deploy, show phase progress (follow.ts), end with the
// URL or the error. Ctrl-C stops watching, not the deployment (it runs in the control plane).
// A compose file Berth cannot run gives the same answer from `berth plan` and `berth up`: the
// blocked plan (also when the CLI finds the problem while reading the file) and its error's exit
// status; `berth up` checks the plan first and creates nothing.

interface UpDeps {
  io: CliIo;
  connect: () => Promise<ApiClient>;
  op: (name: string) => Operation;
  /** Packs a source on this machine for a remote control plane (wired in by main/). */
  packSource: SourcePacker;
}

function addDeployFlags(cmd: Command): Command {
  return cmd
    .argument('[source]', 'folder, git repository (path or file:// URL), zip, compose file or image reference')
    .option('--config <file>', 'berth.yml to read (default: <source>/berth.yml)')
    .option('--name <name>', 'resource name (default: from berth.yml or the source)')
    .option('--ref <ref>', 'git branch, tag or commit')
    .option('--base-directory <dir>', 'directory of the app inside the source')
    .option('--port <port>', 'internal port the app listens on')
    .option('--project <name>', 'project (default: default)')
    .option('--environment <name>', 'environment (default: production)')
    .option('--json', 'print JSON');
}

export function registerUp(program: Command, deps: UpDeps): void {
  addFollowOptions(addDeployFlags(program.command('up')))
    .description('Deploy a source to a live URL: detect, plan, execute, verify (and roll back on failure).')
    .option('--preview <type:id>', 'deploy a preview, e.g. pull-request:42')
    .option('--server <name>', 'the server to deploy to, by name or id (default: the server the resource runs on, else this machine)')
    .option('--relink', 'repoint an existing resource (--name) at this source; without it a different source is refused')
    .action(async (source: string | undefined, flags: UpFlags) => {
      deps.io.exit(await up(deps, source, flags));
    });

  addDeployFlags(program.command('plan'))
    .description('Plan preview: show what `berth up` would run, or why it is blocked. Creates nothing.')
    .action(async (source: string | undefined, flags: DeployFlags & { json?: boolean }) => {
      const json = flags.json === true;
      try {
        const input = buildDeployInput(source, flags);
        const client = await deps.connect();
        const sent = await withUploadedSource(deps, client, input, json);
        if (!sent.ok) return deps.io.exit(emit(deps.io, json, sent));
        const result = await client.call(deps.op('deployments.plan'), withoutSecrets(sent.input));
        deps.io.exit(result.ok && isBlocked(result.data) ? emitBlocked(deps.io, json, result.data) : emit(deps.io, json, result));
      } catch (err) {
        const blocked = composeRefusal(source, flags, err);
        deps.io.exit(blocked ? emitBlocked(deps.io, json, blocked) : emit(deps.io, json, errorResult(err)));
      }
    });
}

/** A preview needs no secret values: they travel only with the deploy that stores them. */
const withoutSecrets = ({ composeSecrets: _secrets, ...input }: Record<string, unknown>) => input;

interface BlockedPreview {
  status: 'blocked';
  blocked: { error: ErrorObject };
}

const isBlocked = (data: unknown): data is BlockedPreview => (data as { status?: string } | null)?.status === 'blocked';

/** A blocked plan exits with its error's status, so scripts see `plan` and `up` agree. */
function emitBlocked(io: CliIo, json: boolean, preview: BlockedPreview): number {
  emit(io, json, { ok: true, data: preview });
  return EXIT_CODES[preview.blocked.error.category as keyof typeof EXIT_CODES] ?? 1;
}

/** What the CLI found wrong in a compose file while reading it, as the control plane would show it blocked. */
function composeRefusal(source: string | undefined, flags: DeployFlags, err: unknown): BlockedPreview | undefined {
  if (!isComposeSource(source, flags)) return undefined;
  const blocked = planBlock(err);
  return blocked ? { status: 'blocked', resourceId: null, source: null, plan: null, blocked } as BlockedPreview : undefined;
}

function isComposeSource(source: string | undefined, flags: DeployFlags): boolean {
  try {
    return deploySource(source, flags).source.kind === 'compose';
  } catch {
    return false;
  }
}

type UpFlags = DeployFlags & FollowFlags & { json?: boolean; wait?: boolean };

async function up(deps: UpDeps, source: string | undefined, flags: UpFlags): Promise<number> {
  const json = flags.json === true;
  let input: Record<string, unknown>;
  try {
    input = buildDeployInput(source, flags);
  } catch (err) {
    const blocked = composeRefusal(source, flags, err);
    return blocked ? emitBlocked(deps.io, json, blocked) : emit(deps.io, json, errorResult(err));
  }
  try {
    const client = await deps.connect();
    const sent = await withUploadedSource(deps, client, input, json);
    if (!sent.ok) return emit(deps.io, json, sent);
    if ((input.source as { kind?: string } | undefined)?.kind === 'compose') {
      const preview = await client.call(deps.op('deployments.plan'), withoutSecrets(sent.input));
      if (!preview.ok) return emit(deps.io, json, preview);
      if (isBlocked(preview.data)) return emitBlocked(deps.io, json, preview.data);
    }
    const created = await client.call(deps.op('deployments.create'), sent.input);
    if (!created.ok || flags.wait === false) return emit(deps.io, json, created);
    return await followAttempt(deps.io, client, deps.op, json, (created.data as { id: string }).id, flags);
  } catch (err) {
    return emit(deps.io, json, errorResult(err));
  }
}

/**
 * A remote control plane (BERTH_URL) cannot read this machine's paths: a folder, zip or compose
 * source is packed and uploaded first, and the input names the upload instead. The local control
 * plane shares this machine's disk and reads the path itself (same ignore rules, no copy).
 */
async function withUploadedSource(deps: UpDeps, client: ApiClient, input: Record<string, unknown>, json: boolean): Promise<{ ok: true; input: Record<string, unknown> } | Extract<CallResult, { ok: false }>> {
  if (!client.connection.remote || !input.source) return { ok: true, input };
  const packed = await deps.packSource(input.source as SourceProfile);
  if (!packed) return { ok: true, input };
  try {
    const sent = await client.upload(packed);
    if (!sent.ok) return sent;
    const receipt = sent.data as { id: string; sizeBytes: number };
    if (!json) deps.io.err(`uploaded ${receipt.id} (${receipt.sizeBytes} bytes)`);
    return { ok: true, input: { ...input, source: packed.sourceFor(receipt.id) } };
  } finally {
    await packed.dispose();
  }
}

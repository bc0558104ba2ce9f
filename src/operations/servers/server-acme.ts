import { definedFields } from '../../core/model/defined-fields.js';
import { z } from 'zod';
import { recordId } from '../id-input.js';
import { fail } from '../../core/errors/berth-error.js';
import { acmeDirectoryProblem, effectiveAcme } from '../../core/domains/server-acme.js';
import type { Server } from '../../core/model/records.js';
import type { OperationContext } from '../../ports/context.js';
import { defineOperation } from '../operation.js';
import { serverOut } from '../records.js';

// A server's own ACME CA and contact email (issue 11): set at registration or with
// `server configure`, shown with where each effective value comes from.

export const acmeCaInput = z
  .string()
  .max(2048)
  .superRefine((v, c) => {
    const problem = acmeDirectoryProblem(v);
    if (problem) c.addIssue({ code: 'custom', message: problem });
  });

export const acmeEmailInput = z.email().max(254);

const source = z.enum(['server', 'control-plane']);
export const serverWithAcmeOut = serverOut.extend({
  /** The CA and email the server's edge uses, and whether each is the server's own or the control plane's. */
  acme: z.object({ ca: z.string(), caSource: source, email: z.string().nullable(), emailSource: source }),
});

export const withAcme = (server: Server, ctx: OperationContext): z.infer<typeof serverWithAcmeOut> => ({ ...server, acme: effectiveAcme(server, ctx.settings.acme) });

export const configureServer = defineOperation({
  name: 'servers.configure',
  kind: 'command',
  summary: "Change an SSH server's ACME CA or contact email; null (--input '{\"acmeCa\":null}') returns a setting to the control plane's. The edge takes it on the next deploy.",
  input: z.strictObject({ id: recordId, acmeCa: acmeCaInput.nullable().optional(), acmeEmail: acmeEmailInput.nullable().optional() }),
  output: serverWithAcmeOut,
  errors: ['server_not_found', 'server_unsupported'],
  destructive: false,
  http: { method: 'PATCH', path: '/api/servers/{id}' },
  cli: { words: ['server', 'configure'], positionals: ['id'] },
  handler: async ({ id, ...changes }, ctx) =>
    ctx.store.transaction(async (tx) => {
      const current = (await tx.servers.get(id)) ?? fail('server_not_found', 'No server has this id.', { id });
      // The local server's edge is the control plane's own: its ACME settings are BERTH_ACME_*.
      if (current.kind !== 'ssh') fail('server_unsupported', "The local server's ACME settings are the control plane's (BERTH_ACME_CA, BERTH_ACME_EMAIL).", { serverId: id, serverKind: current.kind, supportedKinds: ['ssh'] });
      const defined = definedFields(changes);
      const next: Server = { ...current, ...defined };
      await tx.servers.setAcme(id, { acmeCa: next.acmeCa, acmeEmail: next.acmeEmail });
      const previous = { acmeCa: current.acmeCa, acmeEmail: current.acmeEmail };
      await tx.audit.append({ type: 'server.updated', aggregateType: 'server', aggregateId: id, actor: ctx.actor, payload: { id, changed: Object.keys(defined), ...defined, previous } });
      return withAcme(next, ctx);
    }),
});

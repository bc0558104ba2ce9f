import type { ComposeModel, ComposeService } from '../../core/compose/model.js';
import { secretName } from '../../core/governance/secret-name.js';
import type { ServicePlan } from '../../core/plan/plan.js';
import { blocked } from './context.js';

// What a compose service mounts, as the plan records it. The control plane cannot see the
// client's files, so a relative or `~` bind mount is blocked (never turned into a named volume).
// Named volumes are named per resource at execute unless `external: true` or `name:` fixes the
// engine name. Secrets with a `file:` source are resource secrets the CLI uploaded; Berth has no
// store to read `environment:` or `external` secrets from, so those are blocked.

export function volumePlans(s: ComposeService, model: ComposeModel): NonNullable<ServicePlan['volumes']> {
  return s.volumes.map((v, i) => {
    const at = `services.${s.name}.volumes.${i}`;
    if (v.type === 'bind' && (!v.source || !v.source.startsWith('/'))) {
      throw blocked('compose_bind_mount_relative', `${at} binds a path relative to the client (${v.source?.startsWith('~') ? '~' : 'relative'}), which the control plane cannot see: use a named volume declared under volumes:, or an absolute path on the engine's host.`, {
        evidence: [{ kind: 'config', detail: at }],
        fixPath: at,
        overridePath: 'volumes',
      });
    }
    const declared = v.type === 'volume' && v.source ? model.volumes.find((d) => d.name === v.source) : undefined;
    const name = declared?.fixedName ?? (declared?.external ? declared.name : undefined);
    return { source: v.source ?? '', target: v.target, readOnly: v.readOnly, type: v.type, ...(name ? { name } : {}), ...(declared?.external ? { external: true } : {}) };
  });
}

export function secretFilePlans(s: ComposeService, model: ComposeModel): NonNullable<ServicePlan['secretFiles']> {
  return s.secrets.map((m) => {
    const secret = model.secrets.find((x) => x.name === m.source)!; // checkCompose: declared
    const at = `secrets.${secret.name}`;
    if (secret.source !== 'file') {
      const field = secret.source === 'none' ? at : `${at}.${secret.source}`;
      throw blocked('compose_secret_source_unsupported', `${field}: Berth mounts secrets from a file only; use ${at}.file (the CLI stores it as a resource secret).`, {
        evidence: [{ kind: 'config', detail: field }],
        fixPath: field,
        overridePath: `${at}.file`,
      });
    }
    if (!secretName.safeParse(secret.name).success) {
      throw blocked('compose_secret_name_invalid', `${at}: a secret name becomes a resource secret name: letters, digits and _, not starting with a digit.`, {
        evidence: [{ kind: 'config', detail: at }],
        fixPath: at,
        overridePath: at,
      });
    }
    return { secret: secret.name, target: m.target, ...(m.uid !== undefined ? { uid: m.uid } : {}), ...(m.gid !== undefined ? { gid: m.gid } : {}), ...(m.mode !== undefined ? { mode: m.mode } : {}) };
  });
}

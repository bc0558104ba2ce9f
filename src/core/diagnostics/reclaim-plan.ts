import type { Retention, RuntimeRole } from './retention.js';
import { LABELS } from '../ownership/labels.js';

// What a runtime prune would remove on one server, decided from the engine's inventory and the
// retention roles (retention.ts). Only objects Berth can prove are its own and unneeded:
//
// - an object must carry dev.berth.managed=true, or be an image tagged by a known attempt's
//   artifact; anything else on the engine is not Berth's and is never looked at;
// - its attempt must be one this control plane knows on this server, and reclaimable; a label
//   naming an unknown attempt (another installation, another state store) is `foreign`;
// - containers: only stopped ones (a running leftover is reported, never stopped here);
// - networks: only when every container attached to them is removed too;
// - images: never one whose id a kept attempt needs, never one a kept container uses; a tag is
//   removed, so an image that other tags still name is only untagged (and frees no bytes).
// A dry run and the destructive run execute the same plan, so they report the same counts.

const MANAGED_LABEL = LABELS.managed;
const DEPLOYMENT_LABEL = LABELS.deployment;

export interface InventoryContainer {
  id: string;
  name: string;
  state: string;
  imageId: string;
  labels: Record<string, string>;
  /** Names of the networks it is attached to. */
  networks: string[];
  /** Bytes written in its own layer. */
  sizeBytes: number;
}

export interface InventoryNetwork {
  id: string;
  name: string;
  labels: Record<string, string>;
}

export interface InventoryImage {
  id: string;
  repoTags: string[];
  labels: Record<string, string>;
  sizeBytes: number;
  sharedBytes: number | null;
}

export interface ReclaimInput {
  retention: Retention;
  /** Artifact image reference (tag) -> the attempt that produced it, for known attempts. */
  artifactRefs: Map<string, string>;
  containers: InventoryContainer[];
  networks: InventoryNetwork[];
  images: InventoryImage[];
}

export type KeepReason = Exclude<RuntimeRole, 'reclaimable'> | 'foreign' | 'running' | 'in-use' | 'needed-image' | 'not-an-artifact';

export interface ReclaimPlan {
  containers: { id: string; name: string; deploymentId: string; bytes: number }[];
  networks: { id: string; name: string; deploymentId: string }[];
  /** One entry per image: `refs` are removed (or the id, when it has no tag left to remove). */
  images: { imageId: string; refs: string[]; deploymentId: string; untagOnly: boolean; bytes: number }[];
  kept: { containers: Partial<Record<KeepReason, number>>; networks: Partial<Record<KeepReason, number>>; images: Partial<Record<KeepReason, number>> };
  bytes: number;
}

const STOPPED = new Set(['created', 'exited', 'dead']);

export function reclaimPlan(input: ReclaimInput): ReclaimPlan {
  const { roles, neededImageIds } = input.retention;
  const plan: ReclaimPlan = { containers: [], networks: [], images: [], kept: { containers: {}, networks: {}, images: {} }, bytes: 0 };
  const keep = (kind: keyof ReclaimPlan['kept'], reason: KeepReason) => (plan.kept[kind][reason] = (plan.kept[kind][reason] ?? 0) + 1);
  /** The reason to keep an object of this attempt, or undefined when its attempt is reclaimable. */
  const roleReason = (deploymentId: string | undefined): KeepReason | undefined => {
    const role = deploymentId ? roles.get(deploymentId) : undefined;
    if (!role) return 'foreign';
    return role === 'reclaimable' ? undefined : role;
  };

  const removed = new Set<string>();
  for (const c of input.containers) {
    if (c.labels[MANAGED_LABEL] !== 'true') continue;
    const dep = c.labels[DEPLOYMENT_LABEL];
    const reason = roleReason(dep) ?? (STOPPED.has(c.state) ? undefined : 'running');
    if (reason) keep('containers', reason);
    else {
      plan.containers.push({ id: c.id, name: c.name, deploymentId: dep!, bytes: c.sizeBytes });
      removed.add(c.id);
    }
  }
  const remaining = input.containers.filter((c) => !removed.has(c.id));

  for (const n of input.networks) {
    if (n.labels[MANAGED_LABEL] !== 'true') continue;
    const dep = n.labels[DEPLOYMENT_LABEL];
    const reason = roleReason(dep) ?? (remaining.some((c) => c.networks.includes(n.name)) ? 'in-use' : undefined);
    if (reason) keep('networks', reason);
    else plan.networks.push({ id: n.id, name: n.name, deploymentId: dep! });
  }

  const inUse = new Set(remaining.map((c) => c.imageId));
  for (const img of input.images) {
    const known = img.repoTags.filter((t) => input.artifactRefs.has(t));
    if (img.labels[MANAGED_LABEL] !== 'true' && known.length === 0) continue;
    // Whose artifact it is: a tag a known attempt wrote, else the build's ownership label.
    const dep = input.artifactRefs.get(known[0] ?? '') ?? img.labels[DEPLOYMENT_LABEL];
    const removable = known.filter((t) => roles.get(input.artifactRefs.get(t)!) === 'reclaimable');
    let reason: KeepReason | undefined;
    if (neededImageIds.has(img.id)) reason = 'needed-image';
    else if (!dep) reason = 'not-an-artifact';
    else reason = roleReason(dep) ?? (inUse.has(img.id) ? 'in-use' : undefined);
    const untagged = img.repoTags.length === 0;
    if (!reason && removable.length === 0 && !untagged) reason = 'foreign';
    if (reason) {
      keep('images', reason);
      continue;
    }
    const untagOnly = !untagged && removable.length < img.repoTags.length;
    const bytes = untagOnly ? 0 : Math.max(0, img.sizeBytes - (img.sharedBytes ?? 0));
    plan.images.push({ imageId: img.id, refs: untagged ? [img.id] : removable, deploymentId: dep!, untagOnly, bytes });
  }

  plan.bytes = [...plan.containers, ...plan.images].reduce((sum, x) => sum + x.bytes, 0);
  return plan;
}

export function planCounts(plan: ReclaimPlan): { containers: number; networks: number; images: number; bytes: number } {
  return { containers: plan.containers.length, networks: plan.networks.length, images: plan.images.length, bytes: plan.bytes };
}

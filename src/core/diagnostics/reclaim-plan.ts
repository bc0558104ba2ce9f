import type { Retention, RuntimeRole } from './retention.js';
import { DEPS_LABELS, DEPS_TAG_PREFIX, LABELS } from '../ownership/labels.js';

// What a runtime prune would remove on one server, decided from the engine's inventory and the
// retention roles (retention.ts). Only objects Berth can prove are its own and unneeded:
//
// - an object must carry dev.berth.managed=true, or be an image tagged by a known attempt's
//   artifact; anything else on the engine is not Berth's and is never looked at;
// - its attempt must be one this control plane knows on this server, and reclaimable; a label
//   naming an unknown attempt (another installation, another state store) is `foreign`; a
//   container or network a warm rollback took over is its new owner's (`owners`);
// - containers: only stopped ones (a running leftover is reported, never stopped here);
// - networks: only when every container attached to them is removed too;
// - images: never one whose id a kept attempt needs, never one a kept container uses; a tag is
//   removed, so an image that other tags still name is only untagged (and frees no bytes).
// - deps images (berth-deps:<key>, a node build's installed dependencies): Berth's build cache,
//   not any attempt's artifact. One is reclaimable when no image that stays (anything this plan
//   does not remove: serving, rollback candidates, active attempts' images, other installations')
//   names its key, and no attempt of its resource is active (a build may be about to reuse it).
//   The link is the deps-from label Berth sets on every image built FROM a deps image (older
//   images carry the deps image's own deps-key label, which FROM inherits). Labels rather than
//   the engine's parent chain: the parent is only recorded by the classic builder, a site's final
//   stage has none, and both labels come with the inventory listing (no inspect per image). A
//   deps image of a resource this control plane does not know is another installation's: kept.
// A dry run and the destructive run execute the same plan, so they report the same counts.

const MANAGED_LABEL = LABELS.managed;
const DEPLOYMENT_LABEL = LABELS.deployment;
const RESOURCE_LABEL = LABELS.resource;

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
  /** The image it was built or committed from (classic builder, commits); null when unknown. */
  parentId?: string | null;
}

export interface ReclaimInput {
  retention: Retention;
  /** Artifact image reference (tag) -> the attempt that produced it, for known attempts. */
  artifactRefs: Map<string, string>;
  containers: InventoryContainer[];
  networks: InventoryNetwork[];
  images: InventoryImage[];
  /** Resources this control plane has attempts of on the server, and those with an active attempt (without it, every deps image is foreign). */
  resources?: { known: Set<string>; active: Set<string> };
  /**
   * Labelled attempt -> the attempt owning its containers and networks now, where they differ (a
   * warm rollback took them over: core/deployments/warm.ts). Labels never change.
   */
  owners?: ReadonlyMap<string, string>;
}

/** deps-needed: an image that stays was built FROM this deps image. */
export type KeepReason = Exclude<RuntimeRole, 'reclaimable'> | 'foreign' | 'running' | 'in-use' | 'needed-image' | 'not-an-artifact' | 'deps-needed';

export interface ReclaimPlan {
  containers: { id: string; name: string; deploymentId: string; bytes: number }[];
  networks: { id: string; name: string; deploymentId: string }[];
  /** One entry per image: `refs` are removed (or the id, when it has no tag left to remove). */
  /** depsKey is set on a deps image's entry (its deploymentId is the attempt that installed it). */
  images: { imageId: string; refs: string[]; deploymentId: string; untagOnly: boolean; bytes: number; depsKey?: string }[];
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

  const ownerOf = (labelled: string | undefined) => (labelled ? (input.owners?.get(labelled) ?? labelled) : undefined);
  const removed = new Set<string>();
  for (const c of input.containers) {
    if (c.labels[MANAGED_LABEL] !== 'true') continue;
    const dep = ownerOf(c.labels[DEPLOYMENT_LABEL]);
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
    const dep = ownerOf(n.labels[DEPLOYMENT_LABEL]);
    const reason = roleReason(dep) ?? (remaining.some((c) => c.networks.includes(n.name)) ? 'in-use' : undefined);
    if (reason) keep('networks', reason);
    else plan.networks.push({ id: n.id, name: n.name, deploymentId: dep! });
  }

  const inUse = new Set(remaining.map((c) => c.imageId));
  const deps = new Set<InventoryImage>();
  for (const img of input.images) {
    if (isDepsImage(img) && !neededImageIds.has(img.id) && !input.artifactRefs.has(img.repoTags[0]!)) {
      deps.add(img);
      continue;
    }
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

  // After the artifacts: their removal is what leaves a deps image unused.
  const removing = new Set(plan.images.map((i) => i.imageId));
  const usedKeys = new Set<string>();
  for (const img of input.images) {
    if (removing.has(img.id) || deps.has(img)) continue;
    const from = img.labels[DEPS_LABELS.from] || img.labels[DEPS_LABELS.key];
    if (from) usedKeys.add(from);
  }
  const byId = new Map(input.images.map((i) => [i.id, i]));
  for (const img of deps) {
    const key = img.labels[DEPS_LABELS.key]!;
    const resource = img.labels[RESOURCE_LABEL] ?? '';
    let reason: KeepReason | undefined;
    if (!input.resources?.known.has(resource)) reason = 'foreign';
    else if (input.resources.active.has(resource)) reason = 'active';
    else if (usedKeys.has(key)) reason = 'deps-needed';
    else if (inUse.has(img.id)) reason = 'in-use';
    if (reason) {
      keep('images', reason);
      continue;
    }
    // A commit's parent is the node base image, which stays: the deps image frees its own layer.
    // (Its shared size would count the layer as shared with the app images removed with it.)
    const parent = img.parentId ? byId.get(img.parentId) : undefined;
    const bytes = Math.max(0, parent ? img.sizeBytes - parent.sizeBytes : img.sizeBytes - (img.sharedBytes ?? 0));
    plan.images.push({ imageId: img.id, refs: img.repoTags, deploymentId: img.labels[DEPLOYMENT_LABEL] ?? '', untagOnly: false, bytes, depsKey: key });
  }

  plan.bytes = [...plan.containers, ...plan.images].reduce((sum, x) => sum + x.bytes, 0);
  return plan;
}

/** A Berth deps image: its key label, and only berth-deps tags (an app image inherits the label). */
function isDepsImage(img: InventoryImage): boolean {
  return img.labels[MANAGED_LABEL] === 'true' && Boolean(img.labels[DEPS_LABELS.key]) && img.repoTags.length > 0 && img.repoTags.every((t) => t.startsWith(DEPS_TAG_PREFIX));
}

export function planCounts(plan: ReclaimPlan): { containers: number; networks: number; images: number; bytes: number } {
  return { containers: plan.containers.length, networks: plan.networks.length, images: plan.images.length, bytes: plan.bytes };
}

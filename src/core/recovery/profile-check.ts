import { accessProfile, buildProfile, healthProfile, networkProfile, runtimeProfile, sourceProfile } from '../model/profiles.js';
import type { Resource } from '../model/records.js';
import type { BlockReason } from './reasons.js';

// Whether a resource's *current* profile can be redeployed, decided without reading the source:
// - missing:      no source is bound;
// - drifted:      a stored profile no longer satisfies today's strict schemas (written by an
//                 older Berth, or edited outside it), so what would run is not what Berth admits;
// - inadmissible: the profile combines settings no planner can run, whatever the source holds.
// A profile that passes may still fail in detect or plan: those are the source's answers.

type Profiles = Pick<Resource, 'source' | 'runtime' | 'build' | 'network' | 'health' | 'access'>;

const SCHEMAS = { source: sourceProfile, runtime: runtimeProfile, build: buildProfile, network: networkProfile, health: healthProfile, access: accessProfile } as const;

/** Profile fields whose stored value fails its schema. */
export function driftedFields(p: Profiles): (keyof Profiles)[] {
  return (Object.keys(SCHEMAS) as (keyof Profiles)[]).filter((k) => !(k === 'source' && p.source === null) && !SCHEMAS[k].safeParse(p[k]).success);
}

/** Profile fields naming a combination no planner runs. */
export function inadmissibleFields(p: Profiles): string[] {
  const out: string[] = [];
  const { source, runtime } = p;
  if (!source || !runtime) return out;
  const fromImage = source.kind === 'image';
  // Nothing to run: an image runtime needs an image, from the source or runtime.image.
  if (runtime.method === 'image' && !fromImage && !runtime.image) out.push('runtime.image');
  // Nothing to build from: an image source has no files for build planners or compose.
  if (fromImage && ['static', 'node', 'dockerfile', 'compose'].includes(runtime.method)) out.push('runtime.method');
  // The control plane cannot resolve a relative path: clients send absolute ones.
  if (['folder', 'zip', 'compose'].includes(source.kind) && !source.location.startsWith('/')) out.push('source.location');
  if (source.baseDirectory?.split(/[\\/]/).includes('..')) out.push('source.baseDirectory');
  return out;
}

export function redeployProblems(p: Profiles): { reasons: BlockReason[]; fields: string[] } {
  if (!p.source) return { reasons: ['source-missing'], fields: ['source'] };
  const drifted = driftedFields(p);
  if (drifted.length > 0) return { reasons: ['profile-drifted'], fields: drifted };
  const bad = inadmissibleFields(p);
  return bad.length > 0 ? { reasons: ['profile-inadmissible'], fields: bad } : { reasons: [], fields: [] };
}

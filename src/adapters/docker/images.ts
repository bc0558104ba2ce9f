import type Docker from 'dockerode';
import { engineCall } from './errors.js';

/** Image id when the reference resolves locally, undefined otherwise. */
export function imageIdOf(docker: Docker, ref: string, operation = 'imageId'): Promise<string | undefined> {
  return engineCall(
    operation,
    async () => ((await docker.getImage(ref).inspect()) as { Id: string }).Id,
    (r) => (r.statusCode === 404 ? { value: undefined } : undefined),
  );
}

/** Id and comment of a local image, undefined when absent. */
export function imageSummary(docker: Docker, ref: string): Promise<{ id: string; comment: string } | undefined> {
  return engineCall(
    'imageId',
    async () => {
      const info = (await docker.getImage(ref).inspect()) as { Id: string; Comment?: string };
      return { id: info.Id, comment: info.Comment ?? '' };
    },
    (r) => (r.statusCode === 404 ? { value: undefined } : undefined),
  );
}

/** "host:5000/app:v2" → repo "host:5000/app", tag "v2": the tag is after the last ':' past the last '/'. */
export function splitTag(ref: string): { repo: string; tag: string } {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { repo: ref, tag: 'latest' };
}

export async function tagImage(docker: Docker, imageId: string, tag: string): Promise<void> {
  await engineCall('tagImage', () => docker.getImage(imageId).tag(splitTag(tag)));
}

/** Removes one reference (untags when the image has others); an absent image is already gone. */
export async function removeImage(docker: Docker, ref: string): Promise<void> {
  await engineCall(
    'removeImage',
    () => docker.getImage(ref).remove(),
    (r) => (r.statusCode === 404 ? { value: undefined } : undefined),
  );
}

import { describe, expect, it } from 'vitest';
import { appDir } from '../support/apps.js';
import { planesOfSuite, type TestControlPlane } from '../support/control-plane.js';
import { deploy } from '../support/deploy.js';
import { docker } from '../support/docker.js';

// An attempt opens its networks beside the proxy check and the artifact (open-networks.ts). A
// step that fails meanwhile still ends with its own code, and the failure path removes every
// network the attempt created: nothing of it is left on the engine.
describe("the attempt's networks, opened beside the proxy check and the artifact", () => {
  const plane = planesOfSuite();

  /** What the engine did with these networks since `sinceMs`: their create and destroy events, in order. */
  async function networkEvents(names: string[], sinceMs: number): Promise<{ name: string; action: string }[]> {
    const stream = (await docker().getEvents({
      since: Math.floor(sinceMs / 1000),
      until: Math.ceil(Date.now() / 1000) + 1,
      filters: { type: ['network'], event: ['create', 'destroy'] },
    })) as unknown as NodeJS.ReadableStream;
    let text = '';
    for await (const chunk of stream) text += chunk.toString();
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { Action: string; Actor: { Attributes: { name?: string } } })
      .filter((e) => names.includes(e.Actor.Attributes.name ?? ''))
      .map((e) => ({ name: e.Actor.Attributes.name!, action: e.Action }));
  }

  async function expectNetworksOpenedAndRemoved(p: TestControlPlane, id: string, sinceMs: number): Promise<void> {
    const stored = await p.store.deployments.get(id);
    const names = stored?.runtime?.networks ?? [];
    expect(names.length).toBeGreaterThan(0);
    const events = await networkEvents(names, sinceMs);
    for (const name of names) expect(events.filter((e) => e.name === name).map((e) => e.action)).toEqual(['create', 'destroy']);
    expect(await docker().listNetworks({ filters: { label: [`dev.berth.deployment=${id}`] } })).toEqual([]);
  }

  it('a proxy that cannot run is proxy_unavailable in execute, and the networks opened meanwhile are removed', async () => {
    const p = await plane({ BERTH_CADDY_BIN: '/nonexistent/caddy' });
    const since = Date.now();
    const d = await deploy(p, { name: 'no-proxy-nets', source: { kind: 'folder', location: appDir({ 'index.html': 'x' }) } });
    expect({ status: d.status, code: d.error?.code, currentPhase: d.currentPhase }).toEqual({ status: 'failed', code: 'proxy_unavailable', currentPhase: 'execute' });
    expect(await p.targets.local.engine.listContainers({ 'dev.berth.deployment': d.id })).toEqual([]);
    await expectNetworksOpenedAndRemoved(p, d.id, since);
  });

  it('an image that cannot be pulled is image_pull_failed in execute, and the networks opened meanwhile are removed', async () => {
    const p = await plane();
    const since = Date.now();
    const d = await deploy(p, { name: 'no-image-nets', source: { kind: 'image', location: '127.0.0.1:5999/berth/absent:1' }, network: { internalPort: 80 } });
    expect({ status: d.status, code: d.error?.code, phase: d.error?.phase, currentPhase: d.currentPhase }).toEqual({ status: 'failed', code: 'image_pull_failed', phase: 'execute', currentPhase: 'execute' });
    await expectNetworksOpenedAndRemoved(p, d.id, since);
  });
});

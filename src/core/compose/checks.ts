import { BerthError } from '../errors/berth-error.js';
import { validationError } from '../errors/validation.js';
import { DEFAULT_NETWORK, type ComposeModel } from './model.js';

// Rules a schema cannot express: references between services, networks, volumes and secrets,
// and host ports (the edge proxy owns its ports; one host port can be published once).

/** The edge's port when nothing says otherwise (BERTH_HTTP_PORT's default). */
export const DEFAULT_EDGE_HTTP_PORT = 80;

/** Host ports the edge proxy listens on: its HTTP port, and 443 (TCP, and UDP for HTTP/3) with TLS on. */
export function edgePorts(httpPort: number, tls = false): number[] {
  return tls && httpPort !== 443 ? [httpPort, 443] : [httpPort];
}

export interface ComposeCheckOptions {
  /** Host ports no service may publish (edgePorts); the default edge when absent. */
  edgePorts?: readonly number[];
}

export function checkCompose(model: ComposeModel, opts: ComposeCheckOptions = {}): void {
  checkReferences(model);
  checkDependencyCycles(model);
  checkPorts(model, opts.edgePorts ?? edgePorts(DEFAULT_EDGE_HTTP_PORT));
}

function checkReferences(model: ComposeModel): void {
  const services = new Set(model.services.map((s) => s.name));
  const networks = new Set([DEFAULT_NETWORK, ...model.networks.map((n) => n.name)]);
  const volumes = new Set(model.volumes.map((v) => v.name));
  const secrets = new Set(model.secrets.map((x) => x.name));
  for (const s of model.services) {
    for (const network of s.networks) {
      if (!networks.has(network)) {
        throw new BerthError('unknown_network', `Service ${s.name} joins network ${network}, which is not declared under networks:.`, { service: s.name, network });
      }
    }
    for (const dep of s.dependsOn) {
      if (!services.has(dep.service)) {
        throw new BerthError('unknown_service', `Service ${s.name} depends on ${dep.service}, which is not declared.`, { service: s.name, reference: dep.service });
      }
    }
    s.volumes.forEach((v, i) => {
      if (v.type === 'volume' && v.source && !volumes.has(v.source)) {
        throw validationError([{ code: 'invalid_input', path: `services.${s.name}.volumes.${i}`, message: 'Named volume is not declared under volumes:.' }]);
      }
    });
    s.secrets.forEach((x, i) => {
      if (!secrets.has(x.source)) {
        throw validationError([{ code: 'invalid_input', path: `services.${s.name}.secrets.${i}`, message: 'Secret is not declared under the top-level secrets:.' }]);
      }
    });
  }
}

/** A dependency cycle has no start order; report the service where the walk closed the loop. */
function checkDependencyCycles(model: ComposeModel): void {
  const deps = new Map(model.services.map((s) => [s.name, s.dependsOn.map((d) => d.service)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      throw validationError([{ code: 'invalid_input', path: `services.${name}.depends_on`, message: 'depends_on forms a cycle.' }]);
    }
    state.set(name, 'visiting');
    for (const d of deps.get(name) ?? []) visit(d);
    state.set(name, 'done');
  };
  for (const name of deps.keys()) visit(name);
}

function checkPorts(model: ComposeModel, reserved: readonly number[]): void {
  const owners = new Map<string, string>();
  for (const s of model.services) {
    for (const p of s.ports) {
      if (p.host === undefined) continue;
      if (reserved.includes(p.host)) {
        throw new BerthError('reserved_port', `Service ${s.name} publishes host port ${p.host}, which the edge proxy listens on (${reserved.join(', ')}).`, { service: s.name, port: p.host, edgePorts: [...reserved] });
      }
      // Host IPs are not compared: 0.0.0.0 overlaps every address, and a stricter rule is safer.
      const key = `${p.host}/${p.protocol}`;
      const owner = owners.get(key);
      if (owner !== undefined) {
        throw new BerthError('port_conflict', `Host port ${p.host}/${p.protocol} is published twice.`, { service: s.name, port: p.host, owner });
      }
      owners.set(key, s.name);
    }
  }
}

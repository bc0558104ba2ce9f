import { BerthError } from '../errors/berth-error.js';
import { validationError } from '../errors/validation.js';
import { DEFAULT_NETWORK, type ComposeModel } from './model.js';

// Rules a schema cannot express: references between services, networks and volumes, and host
// ports (the edge proxy owns 80 and 443; one host port can be published once).

/** Host ports the edge proxy listens on (TCP for HTTP/1-2, UDP 443 for HTTP/3). */
export const RESERVED_HOST_PORTS: readonly number[] = [80, 443];

export function checkCompose(model: ComposeModel): void {
  checkReferences(model);
  checkDependencyCycles(model);
  checkPorts(model);
}

function checkReferences(model: ComposeModel): void {
  const services = new Set(model.services.map((s) => s.name));
  const networks = new Set([DEFAULT_NETWORK, ...model.networks.map((n) => n.name)]);
  const volumes = new Set(model.volumes.map((v) => v.name));
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

function checkPorts(model: ComposeModel): void {
  const owners = new Map<string, string>();
  for (const s of model.services) {
    for (const p of s.ports) {
      if (p.host === undefined) continue;
      if (RESERVED_HOST_PORTS.includes(p.host)) {
        throw new BerthError('reserved_port', `Service ${s.name} publishes host port ${p.host}, which the edge proxy owns.`, { service: s.name, port: p.host });
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

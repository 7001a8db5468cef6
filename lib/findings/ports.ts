import { isLoopback } from '../net/cidr';
import { tracePath } from '../sim/trace';
import { isRuleOutcome } from '../sim/types';
import { hostPort } from '../snapshot/names';
import type { Container, PublishedPort, Snapshot } from '../snapshot/schema';
import { ids } from '../topology/build';
import { containerObject, hostNamespace, runningContainers, uplinks } from './context';
import type { Check, Finding, FindingObject } from './types';

/** Published ports that cannot answer the way they look like they would. */

const bindingText = (p: PublishedPort) => hostPort(p.hostIp, p.hostPort);
const portObject = (c: Container, p: PublishedPort): FindingObject => ({
  nodeId: ids.port(c.id, p.hostIp, p.hostPort, p.protocol),
  label: `${bindingText(p)}/${p.protocol}`,
});
const published = (s: Snapshot) => runningContainers(s).flatMap((c) => c.ports.map((p) => ({ c, p })));

export const loopbackPublished: Check = {
  id: 'published-on-loopback',
  needs: ['docker'],
  run(s) {
    return published(s)
      .filter(({ p }) => isLoopback(p.hostIp))
      .map(({ c, p }): Finding => ({
        id: `published-on-loopback:${c.name}:${p.hostIp}:${p.hostPort}/${p.protocol}`,
        check: 'published-on-loopback',
        level: 'info',
        title: `${bindingText(p)}/${p.protocol} (${c.name}:${p.containerPort}) is reachable from the host only`,
        evidence: [
          `${c.name} publishes ${p.containerPort}/${p.protocol} on ${bindingText(p)}`,
          `only processes in the host's network namespace can connect to ${p.hostIp}; for a container, ${p.hostIp} is its own loopback, and other machines cannot route to it`,
        ],
        fix: `if others should reach it, publish it on all addresses (-p ${p.hostPort}:${p.containerPort}) or on a specific one (-p ADDR:${p.hostPort}:${p.containerPort}); containers on a shared network can use ${c.name}:${p.containerPort} directly`,
        objects: [portObject(c, p), containerObject(c)],
      }));
  },
};

/** A client no rule in a real ruleset would name: TEST-NET-3 (RFC 5737). Nothing is sent; it only drives the simulator. */
const PROBE_CLIENT = '203.0.113.7';

export const dockerUserShadowsPort: Check = {
  id: 'docker-user-shadows-port',
  needs: ['docker'],
  run(s) {
    const host = hostNamespace(s);
    const uplink = uplinks(s).find((u) => u.addresses.some((a) => a.family === 'inet' && a.scope === 'global'));
    if (!host || !uplink) return [];
    const addr = uplink.addresses.find((a) => a.family === 'inet' && a.scope === 'global')!.address;
    const out: Finding[] = [];
    for (const { c, p } of published(s)) {
      if (p.protocol === 'sctp' || (p.hostIp !== '0.0.0.0' && p.hostIp !== addr)) continue;
      const r = tracePath(s, { from: { kind: 'outside', ip: PROBE_CLIENT, iface: uplink.name }, to: { kind: 'ip', ip: addr, port: p.hostPort }, protocol: p.protocol });
      const o = r.outcome;
      if (!isRuleOutcome(o) || o.result === 'uncertain' || o.chain !== 'DOCKER-USER') continue;
      out.push({
        id: `docker-user-shadows-port:${c.name}:${p.hostIp}:${p.hostPort}/${p.protocol}`,
        check: 'docker-user-shadows-port',
        level: 'warning',
        title: `A DOCKER-USER rule blocks the published port ${bindingText(p)}/${p.protocol} (${c.name})`,
        evidence: [
          `${c.name} publishes ${p.containerPort}/${p.protocol} on ${bindingText(p)}`,
          `a client outside on ${uplink.name} connecting to ${addr}:${p.hostPort} is ${o.result} by ${o.table} DOCKER-USER rule ${o.index === null ? 'policy' : o.index + 1}: ${o.rule}`,
          r.summary,
        ],
        fix: `if the port should be reachable, narrow or remove that DOCKER-USER rule (iptables -D DOCKER-USER ${o.index === null ? '…' : o.index + 1}); if not, stop publishing it`,
        objects: [portObject(c, p), containerObject(c)],
      });
    }
    return out;
  },
};

export const loopbackOnlyListener: Check = {
  id: 'listens-on-loopback-only',
  needs: ['docker', 'listeners'],
  run(s) {
    const out: Finding[] = [];
    for (const { c, p } of published(s)) {
      if (p.protocol === 'sctp') continue;
      const ns = s.namespaces.find((n) => n.id === c.namespaceId);
      // null: this namespace's sockets could not be read, so nothing is claimed about it.
      const ls = ns?.listeners?.filter((l) => l.protocol === p.protocol && l.port === p.containerPort);
      if (!ls?.length || !ls.every((l) => isLoopback(l.address))) continue;
      const who = ls.map((l) => `${l.processes.map((x) => `${x.comm} (pid ${x.pid})`).join(', ') || 'a process'} on ${hostPort(l.address, l.port)}`);
      out.push({
        id: `listens-on-loopback-only:${c.name}:${p.hostIp}:${p.hostPort}/${p.protocol}`,
        check: 'listens-on-loopback-only',
        level: 'error',
        title: `${c.name} listens on ${p.containerPort}/${p.protocol} on loopback only: the published port ${bindingText(p)} can never answer`,
        evidence: [`${c.name} publishes ${p.containerPort}/${p.protocol} on ${bindingText(p)}`, `inside ${c.name}, ${who.join('; ')}`, 'published traffic arrives on the container\'s eth0 address, where nothing listens: connections are refused'],
        fix: `make the application in ${c.name} listen on 0.0.0.0 (or ::) instead of 127.0.0.1`,
        objects: [portObject(c, p), containerObject(c)],
      });
    }
    return out;
  },
};

import { describe, expect, it } from 'vitest';
import { swarmTaskOf } from './map';
import { dockerSandboxLabel, dockerSandboxOf } from './swarm';

const nets = [
  { id: 'zemas8g7kkt8cyh0y4bd6ozvd', name: 'netatlas-lab-overlay' },
  { id: 'tccjnlgg9iw8fbdtzkc7dkq8m', name: 'ingress' },
];

describe('dockerSandboxOf', () => {
  it("names an overlay network's namespace (1- + 10 characters of its id), its load balancer and ingress_sbox", () => {
    expect(dockerSandboxOf('1-zemas8g7kk', nets)).toEqual({ role: 'overlay', networkId: nets[0].id, networkName: 'netatlas-lab-overlay' });
    expect(dockerSandboxOf('lb_zemas8g7k', nets)).toEqual({ role: 'load-balancer', networkId: nets[0].id, networkName: 'netatlas-lab-overlay' });
    expect(dockerSandboxOf('ingress_sbox', nets)).toEqual({ role: 'ingress', networkId: nets[1].id, networkName: 'ingress' });
  });
  it('keeps the role when the network is not (or no longer) listed, and ignores container sandboxes', () => {
    expect(dockerSandboxOf('1-aaaaaaaaaa', nets)).toEqual({ role: 'overlay', networkId: null, networkName: null });
    expect(dockerSandboxOf('1-', nets)).toEqual({ role: 'overlay', networkId: null, networkName: null });
    expect(dockerSandboxOf('0d3ca1d69f51', nets)).toBeNull();
    expect(dockerSandboxOf('default', nets)).toBeNull();
  });
  it('labels them for views', () => {
    expect(dockerSandboxLabel(dockerSandboxOf('1-zemas8g7kk', nets)!, '1-zemas8g7kk')).toBe('overlay netatlas-lab-overlay');
    expect(dockerSandboxLabel(dockerSandboxOf('1-aaaaaaaaaa', [])!, '1-aaaaaaaaaa')).toBe('overlay 1-aaaaaaaaaa');
    expect(dockerSandboxLabel(dockerSandboxOf('lb_zemas8g7k', nets)!, 'lb_zemas8g7k')).toBe('load balancer of netatlas-lab-overlay');
  });
});

describe('swarmTaskOf', () => {
  it("reads the service and task from a task container's labels", () => {
    expect(swarmTaskOf({
      'com.docker.swarm.service.id': 's1', 'com.docker.swarm.service.name': 'web',
      'com.docker.swarm.task.id': 't1', 'com.docker.swarm.task.name': 'web.1.t1', 'com.docker.swarm.node.id': 'n1',
    })).toEqual({ serviceId: 's1', serviceName: 'web', taskId: 't1', taskName: 'web.1.t1' });
  });
  it('is null for other containers and for partial labels', () => {
    expect(swarmTaskOf({})).toBeNull();
    expect(swarmTaskOf({ 'com.docker.swarm.service.name': 'web' })).toBeNull();
  });
});

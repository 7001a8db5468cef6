import { bridgeNetworks, bridgeObject, listWords, runningContainers } from './context';
import type { Check } from './types';

/** Host-wide settings Docker's bridge networking depends on. */

export const ipForwardOff: Check = {
  id: 'ip-forward-off',
  needs: ['docker'],
  run(s) {
    if (s.host.sysctls.ipv4Forward !== 0) return [];
    const nets = bridgeNetworks(s).filter((n) => !n.internal);
    if (nets.length === 0) return [];
    return [{
      id: 'ip-forward-off',
      check: 'ip-forward-off',
      level: 'error',
      title: 'IPv4 forwarding is off, but bridge networks need the host to route',
      evidence: [
        'net.ipv4.ip_forward = 0',
        `bridge networks that are not --internal: ${listWords(nets.map((n) => `${n.name} (${n.bridge})`))}`,
        'their containers cannot reach anything beyond the host, and published ports answer only through docker-proxy',
      ],
      fix: 'sysctl -w net.ipv4.ip_forward=1 and keep it in /etc/sysctl.d/ (Docker sets it at start unless --ip-forward=false; something reset it since)',
      objects: nets.map(bridgeObject),
    }];
  },
};

export const bridgeNfOff: Check = {
  id: 'bridge-nf-off',
  needs: ['docker'],
  run(s) {
    const v = s.host.sysctls.bridgeNfCallIptables;
    if (v === 1) return [];
    // Traffic between two containers of one bridge is bridged, not routed: iptables sees it only through br_netfilter.
    const noIcc = bridgeNetworks(s).filter((n) => n.icc === false);
    const shared = bridgeNetworks(s).filter((n) => runningContainers(s).filter((c) => c.endpoints.some((e) => e.networkId === n.id)).length > 1);
    const nets = noIcc.length ? noIcc : shared;
    if (nets.length === 0) return [];
    const state = v === null ? 'br_netfilter is not loaded (net.bridge.bridge-nf-call-iptables does not exist)' : 'net.bridge.bridge-nf-call-iptables = 0';
    return [{
      id: 'bridge-nf-off',
      check: 'bridge-nf-off',
      level: noIcc.length ? 'error' : 'warning',
      title: noIcc.length
        ? 'Inter-container isolation is not enforced: bridged traffic bypasses iptables'
        : 'Traffic between containers on one bridge bypasses iptables',
      evidence: [
        state,
        noIcc.length
          ? `icc is disabled on ${listWords(noIcc.map((n) => n.name))}: Docker's rule that drops traffic between its containers never sees that traffic`
          : `containers share ${listWords(shared.map((n) => n.name))}: DOCKER-USER rules and published-port DNAT between them do not apply`,
      ],
      fix: 'modprobe br_netfilter; sysctl -w net.bridge.bridge-nf-call-iptables=1 (and bridge-nf-call-ip6tables) and keep them in /etc/sysctl.d/',
      objects: nets.map(bridgeObject),
    }];
  },
};

export const bothIptablesBackends: Check = {
  id: 'iptables-both-backends',
  needs: [],
  run(s) {
    const ipt = s.host.iptables;
    if (!(ipt.legacyHasRules && ipt.nftHasRules)) return [];
    const other = ipt.active === 'legacy' ? 'iptables-nft-save' : 'iptables-legacy-save';
    return [{
      id: 'iptables-both-backends',
      check: 'iptables-both-backends',
      level: 'warning',
      title: 'Rules in both iptables-legacy and iptables-nft',
      evidence: [
        `iptables on this host is ${ipt.version ?? ipt.active} (active backend: ${ipt.active})`,
        'both the legacy tables and the nf_tables ones hold rules: the kernel applies both, but each tool shows only its own',
      ],
      fix: `choose one backend (update-alternatives --set iptables …), move what ${other} shows to it, and flush the other; then restart Docker so it writes its rules there`,
      objects: [],
    }];
  },
};

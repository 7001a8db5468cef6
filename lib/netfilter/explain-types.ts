/**
 * Rule explanations: what a netfilter rule is for (its role), who made it, and a plain sentence that names the
 * objects it concerns. Produced by `explainIptablesRule` / `explainNftRule` (lib/netfilter/explain*.ts).
 */

/** Who put the rule there, as far as its shape and chain tell. */
export type RuleOrigin = 'docker' | 'kube-proxy' | 'user' | 'system' | 'unknown';

export type RuleRole =
  // Docker, NAT
  | 'published-port-dnat' // DNAT of a published port to a container
  | 'docker-nat-jump' // PREROUTING/OUTPUT → DOCKER for local destinations (addrtype LOCAL / fib daddr type local)
  | 'docker-nat-return' // DOCKER nat chain: RETURN for traffic from a bridge (no DNAT of inter-container traffic)
  | 'masquerade' // SNAT/MASQUERADE of a network's outgoing traffic
  | 'hairpin-masquerade' // MASQUERADE of a container reaching its own published port
  | 'masquerade-skip' // a rule that exempts traffic from masquerading (e.g. routed/nat-unprotected modes)
  // Docker, filter
  | 'published-port-accept' // ACCEPT of traffic to a container's published port
  | 'docker-user' // the DOCKER-USER chain and the jump to it (the user's place for their own rules)
  | 'docker-forward' // DOCKER-FORWARD chain plumbing (28+)
  | 'docker-ct' // DOCKER-CT: established/related traffic to a bridge is accepted
  | 'docker-bridge' // per-bridge dispatch: DOCKER-BRIDGE / FORWARD -o BRIDGE -j DOCKER, nftables verdict maps
  | 'docker-jump' // other jumps from built-in chains into Docker chains (FORWARD → DOCKER, …)
  | 'isolation-stage-1' // DOCKER-ISOLATION-STAGE-1: traffic leaving a bridge towards another interface
  | 'isolation-stage-2' // DOCKER-ISOLATION-STAGE-2: … dropped if that interface is another Docker bridge
  | 'internal-network' // DOCKER-INTERNAL and internal-network drops
  | 'icc-accept' // inter-container communication allowed on a bridge
  | 'icc-drop' // inter-container communication disabled on a bridge
  | 'outgoing-accept' // traffic from a bridge to anywhere else is accepted
  | 'unpublished-port-drop' // traffic into a bridge that is not to a published port is dropped
  | 'unprotected-accept' // gateway mode nat-unprotected: everything from outside into the bridge is accepted
  | 'routed-accept' // gateway mode routed: ICMP and isolation exemptions that make the network reachable
  | 'legacy-link' // `--link` ACCEPT pairs between two containers on the default bridge
  | 'direct-access-drop' // raw-table drops of packets addressed straight to a container from outside its bridge
  | 'remote-loopback-drop' // raw-table drops of packets for a port published on 127.0.0.1/::1 arriving from elsewhere
  | 'embedded-dns' // the 127.0.0.11 DNS redirection inside a container's namespace
  | 'conntrack-established' // accept established/related connections (from a bridge, nftables backend)
  | 'swarm' // swarm routing mesh and service load balancing: DOCKER-INGRESS, ingress sandbox, IPVS rules
  | 'docker-other' // made by Docker, explained, but not one of the above (e.g. WSL2 loopback, SCTP checksum)
  // Not Docker
  | 'kube-proxy'
  | 'system' // another firewall manager's rules (ufw, firewalld, fail2ban, libvirt)
  | 'user'
  | 'chain-policy'
  | 'unexplained';

/** An object of the host the rule names, so the UI can link and highlight it. */
export interface NamedObject {
  kind: 'container' | 'bridge' | 'network' | 'interface' | 'port';
  /** Container id, bridge/interface name, network id, or `hostPort/proto` for ports. */
  id: string;
  label: string;
}

export interface RuleExplanation {
  role: RuleRole;
  origin: RuleOrigin;
  /** One plain sentence, naming objects rather than only numbers where the context knows them. */
  sentence: string;
  objects: NamedObject[];
  /**
   * False when the rule (or part of it) is not understood: the UI shows it raw and says so, never a guess.
   * A user rule can be fully understood (true) and still have role 'user'.
   */
  understood: boolean;
}

/**
 * What the explainer knows about the host, to name objects: which bridge is which network, which address is
 * which container. Built from a snapshot by `explainContext(snapshot)`; empty for a dump from another machine.
 */
export interface ExplainContext {
  bridges: Map<string, { networkId: string; networkName: string; subnets: string[]; internal: boolean; icc: boolean | null }>;
  /** IPv4/IPv6 address (no prefix) → container. */
  containersByIp: Map<string, { id: string; name: string }>;
  /** Subnet (CIDR) → network. */
  networksBySubnet: Map<string, { id: string; name: string; bridge: string | null }>;
  /**
   * Container id → its published ports. Optional: filter and raw rules only see the container's port, and this
   * lets a sentence say which host port it is published as.
   */
  publishedPorts?: Map<string, Array<{ hostIp: string; hostPort: number; containerPort: number; protocol: string }>>;
  /**
   * The namespace whose rules are explained, when known (see `forNamespace`). Some Docker rules (swarm's ingress
   * sandbox and service containers) have shapes that only their namespace tells apart from a user's.
   */
  namespace?: { kind: 'host' | 'container' | 'named' | 'other'; name: string | null };
}

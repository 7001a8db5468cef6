/**
 * Packet-path simulation: the first packet of a new connection, walked through the snapshot's routing, bridges,
 * netfilter hooks and NAT, with every step recorded. Pure: `tracePath(snapshot, query)` (lib/sim/trace.ts).
 */

import type { Family } from '../net/cidr';

export type Protocol = 'tcp' | 'udp' | 'icmp';

/** An address as a packet carries it, and its port when that is one known number. */
export interface SocketAddress {
  ip: string;
  port: number | null;
}

/** Where the packet starts. */
export type Endpoint =
  | { kind: 'container'; containerId: string }
  /** A process on the host itself (host network namespace). */
  | { kind: 'host' }
  /** A client outside, arriving on `iface` of the host (an uplink, or a veth to another namespace). */
  | { kind: 'outside'; ip: string; iface: string | null }
  /** A process in another namespace (e.g. an `ip netns` one), by namespace id. */
  | { kind: 'namespace'; namespaceId: string };

export type Target =
  | { kind: 'container'; containerId: string; port: number | null }
  | { kind: 'ip'; ip: string; port: number | null };

export interface TraceQuery {
  from: Endpoint;
  to: Target;
  protocol: Protocol;
  /** Also list the rules that did not match (a step each): long on big rulesets. Default false. */
  verbose?: boolean;
}

/** One thing that happened to the packet, in order. */
export type Step =
  | { type: 'route'; namespaceId: string; decision: string; via: string | null; dev: string | null; src: string | null }
  | { type: 'hop'; from: { namespaceId: string; iface: string }; to: { namespaceId: string; iface: string }; what: string }
  | { type: 'bridge'; bridge: string; from: string; to: string | null; nfCalled: boolean; what: string }
  | {
      type: 'rule';
      namespaceId: string;
      family: Family;
      hook: string;
      table: string;
      chain: string;
      /** Index of the rule in its chain; null for the chain policy. */
      index: number | null;
      text: string;
      verdict: 'match' | 'no-match' | 'uncertain' | 'policy';
      /** What the rule did to the packet when it matched: ACCEPT, DROP, jump DOCKER, DNAT → 172.17.0.2:80 … */
      effect: string | null;
      explanation: string | null;
    }
  | {
      type: 'nat';
      kind: 'dnat' | 'snat' | 'masquerade' | 'redirect';
      /** Which of the packet's addresses it rewrites (a reply's un-NAT rewrites the other one). */
      rewrites: 'source' | 'destination';
      before: SocketAddress;
      after: SocketAddress;
      /** Reply steps: conntrack undoing the connection's NAT, no rule involved. */
      undo: boolean;
      by: string;
    }
  | { type: 'proxy'; pid: number | null; listen: string; connectsTo: string; what: string }
  | { type: 'deliver'; namespaceId: string; containerIds: string[]; what: string }
  | { type: 'note'; text: string };

/** A listening socket as a result names it. */
export interface ListenerSeen {
  address: string;
  port: number;
  processes: Array<{ pid: number; comm: string }>;
}

/** Set on a failure outcome when it is the reply (SYN-ACK) that fails, not the first packet. */
type ReplyFailure = { direction?: 'reply' };

export type Outcome =
  | {
      result: 'delivered';
      namespaceId: string;
      containerIds: string[];
      port: number | null;
      /** The source address the receiver sees (a plain address). */
      seenSource: string;
      /** address:port the receiver sees the connection addressed to. */
      seenDestination: string;
      /**
       * The socket that takes the connection (its address, port and processes), from the namespace's listeners;
       * 'unknown' when they could not be read (or the packet leaves the snapshot): then a note says so. Absent for
       * ICMP or a query without a port. docker-proxy never takes it here (it is a leg's end, see `legs`).
       */
      listener?: ListenerSeen | 'unknown';
      /** Set when the packet left through an interface the snapshot sees nothing behind (delivered to the next hop). */
      leaves?: { iface: string; via: string | null };
    }
  /**
   * It arrived, and nothing listens there: TCP is refused (RST), UDP gets an ICMP port unreachable. `why` names
   * the namespace and what listens on that port at other addresses (`nearby`).
   */
  | ({
      result: 'refused' | 'port-unreachable';
      namespaceId: string;
      containerIds: string[];
      /** address:port it arrived for. */
      destination: string;
      seenSource: string;
      why: string;
      nearby: ListenerSeen[];
    } & ReplyFailure)
  /** A netfilter rule (or a chain's policy: index null) dropped or rejected it. */
  | ({ result: 'dropped' | 'rejected'; cause: 'rule'; namespaceId: string; table: string; chain: string; index: number | null; rule: string } & ReplyFailure)
  /** The kernel dropped it before any rule: a martian address, or a namespace that does not forward. */
  | ({ result: 'dropped'; cause: KernelDrop; namespaceId: string; why: string } & ReplyFailure)
  /** No way on. `namespaceId` null: the source has no network namespace (a container that is not running). */
  | ({
      result: 'no-route';
      namespaceId: string | null;
      destination: string;
      why?: string;
      /** Set when it is macvlan/ipvlan isolation: the host and a child of `parent` cannot talk through the parent. */
      isolation?: { driver: 'macvlan' | 'ipvlan'; parent: string; containerId: string };
    } & ReplyFailure)
  /** A match the simulator does not understand decided (or could decide) the outcome: never guessed. */
  | ({ result: 'uncertain'; cause: 'rule'; namespaceId: string; table: string; chain: string; index: number; rule: string; why: string } & ReplyFailure)
  /** Something other than a rule is not known well enough to follow the packet. */
  | ({ result: 'uncertain'; cause: UncertainCause; namespaceId: string; why: string } & ReplyFailure);

export type KernelDrop = 'martian' | 'forwarding';

/**
 * route: a route or device the simulator does not model; forwarding: the namespace's forwarding sysctl is not in
 * the snapshot; conntrack / reply: the reply takes another way back; docker-proxy: its target is not understood;
 * ruleset: a ruleset that loops or could not be read; ipvs: swarm's load balancer (the routing mesh in ingress_sbox, a
 * service VIP's lb_ namespace) takes the packet, and its IPVS table is not in the snapshot.
 */
export type UncertainCause = 'route' | 'forwarding' | 'conntrack' | 'reply' | 'docker-proxy' | 'ruleset' | 'ipvs';

/** The outcomes a netfilter rule (or chain policy) decided, which the UI links to the Firewall tab. */
export type RuleOutcome = Extract<Outcome, { cause: 'rule' }>;
export const isRuleOutcome = (o: Outcome): o is RuleOutcome => 'cause' in o && o.cause === 'rule';

export interface TraceResult {
  query: TraceQuery;
  outcome: Outcome;
  steps: Step[];
  /** A second leg when docker-proxy terminates the connection and opens its own to the container. */
  legs: number;
  /** One paragraph in plain words: where it goes, which rules decide, what NAT does, the verdict. */
  summary: string;
  /** A word on the reply (conntrack reverses the NAT; replies to established connections are accepted). */
  reply: string | null;
  /** The reply's own walk (SYN-ACK back to the client, per leg), for those who want to show it. */
  replySteps?: Step[];
}

import type { IP } from './addr';
import type { Outcome, Protocol } from './types';

/** IP version 4 or 6: how the simulator indexes per-family tables (the address-family type is lib/net/cidr `Family`). */
export type IpVersion = 4 | 6;
export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** Linux's default ephemeral port range (net.ipv4.ip_local_port_range): where a client's source port lies. */
export const EPHEMERAL: [number, number] = [32768, 60999];

/**
 * One connection's conntrack entry in one namespace (each namespace has its own table). Created by the first
 * packet's first hook there; the reply finds it by its reply tuple and gets the NAT undone.
 */
export interface Conn {
  nsId: string;
  proto: Protocol;
  untracked: boolean;
  origSrc: IP;
  origDst: IP;
  origDport: number | null;
  /** Set once a DNAT/REDIRECT bound the connection (its new destination). */
  dnat: { ip: IP; port: number | null } | null;
  snat: { ip: IP } | null;
  /** The NAT tables run once per connection and manip type: after PREROUTING/OUTPUT (dst) and POSTROUTING/INPUT (src). */
  dnatDone: boolean;
  snatDone: boolean;
  ctmark: number;
}

export interface Pkt {
  family: IpVersion;
  proto: Protocol;
  src: IP;
  dst: IP;
  /** Known range of the source port: a client's is ephemeral, a server's (in a reply) is exact. */
  sport: [number, number];
  /** null when the query gave no port (matches on it are then unknown); a range for a reply to a client. */
  dport: number | [number, number] | null;
  /** skb->mark: 0 when the packet enters a namespace (a veth crossing scrubs it). */
  mark: number;
  dir: 'orig' | 'reply';
  ct: Conn | null;
  /** IPVS handled it in this namespace (`-m ipvs --ipvs`); a veth crossing clears it, as it does the mark. */
  ipvs?: boolean;
}

/** Interfaces a hook sees: '' where the kernel passes none (no in-device in OUTPUT, none out in PREROUTING/INPUT). */
/** The destination port when it is one known number. */
export const portOf = (p: Pkt): number | null => (typeof p.dport === 'number' ? p.dport : null);

export interface HookIO {
  inIf: string;
  outIf: string;
  /** br_netfilter's record of the bridge ports, when the packet entered through one with bridge-nf-call on. */
  physIn: string | null;
  physOut: string | null;
  /** A frame the bridge forwards between two of its ports (not one routed by the IP stack). */
  bridged: boolean;
}

/** How a walk ends before a delivery (dropped, rejected, no route, uncertain): returned up the call chain. */
export interface Stop {
  stop: Outcome;
}
export const stopWith = (outcome: Outcome): Stop => ({ stop: outcome });

/** A rule whose match could not be evaluated: the walk is re-run with each answer when it matters. */
export interface ChoicePoint {
  namespaceId: string;
  table: string;
  chain: string;
  index: number;
  rule: string;
  why: string;
}

/**
 * Answers for the unknowns met on one run, in the order they are met. Beyond the given answers it says "no
 * match" and records the point, so the caller can explore the other branch.
 */
export class Oracle {
  readonly points: ChoicePoint[] = [];
  constructor(private readonly answers: boolean[]) {}
  choose(p: ChoicePoint): boolean {
    const k = this.points.length;
    this.points.push(p);
    return this.answers[k] ?? false;
  }
}

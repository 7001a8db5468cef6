import type { ExplainContext } from '../netfilter/explain-types';
import type { Container, DockerProxy, Interface, Namespace, Route, Snapshot } from '../snapshot/schema';
import type { IP, Net } from './addr';
import type { Hook, IpVersion } from './packet';
import type { CChain, CTable } from './rules';

/** Per-snapshot indexes the simulator reads (built once by `prepare`, lib/sim/prepare.ts). */

export interface AddrInfo {
  ip: IP;
  net: Net;
  iface: string;
  scope: string | null;
}

export interface RouteInfo {
  route: Route;
  dst: Net;
  metric: number;
  gw: IP | null;
  prefsrc: IP | null;
  dev: string | null;
  /** unicast, blackhole, unreachable, prohibit … */
  type: string;
  text: string;
}

/** Who answers for an address behind a bridge: the bridge device itself (the host) or the far end of a port. */
export type BridgeOwner = { kind: 'self' } | { kind: 'port'; port: string; peerNs: string; peerIf: string };

/** One hook's base chains in the order the kernel runs them; NAT chains gathered where conntrack's NAT runs. */
export type Slot =
  | { kind: 'chain'; table: CTable; chain: CChain; priority: number }
  | { kind: 'nat'; manip: 'dst' | 'src'; chains: Array<{ table: CTable; chain: CChain }>; priority: number };

export type HookPlan = Record<Hook, Slot[]>;

export interface NsView {
  ns: Namespace;
  id: string;
  /** How a sentence names it (lib/snapshot/names): `lab-web`, `the host`, `netns netatlas-demo`. */
  label: string;
  isHost: boolean;
  ifaces: Map<string, Interface>;
  addrs: Record<IpVersion, AddrInfo[]>;
  /** Own addresses by canonical text. */
  local: Record<IpVersion, Map<string, AddrInfo>>;
  /** IPv4 subnet broadcast addresses. */
  bcast: Set<string>;
  routes: Record<IpVersion, RouteInfo[]>;
  /** Compiled netfilter per family, or why it cannot be simulated. */
  plan: Record<IpVersion, HookPlan | { unread: string }>;
  /** Something about this namespace's rules a trace should say (native nftables not read, bridge tables …). */
  nfNotes: string[];
  bridges: Map<string, Map<string, BridgeOwner>>;
  /** Bridge ports that are not veths (an enslaved uplink, a tap): addresses behind them are outside the snapshot. */
  bridgeExternal: Map<string, string[]>;
}

export interface Prepared {
  s: Snapshot;
  views: Map<string, NsView>;
  host: NsView | null;
  containers: Map<string, Container>;
  /** Container id → the namespace its network lives in (container:X resolved to X's). */
  containerNs: Map<string, string>;
  proxies: DockerProxy[];
  ctx: ExplainContext;
}

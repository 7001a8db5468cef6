/**
 * The topology graph: what the dashboard draws, derived from one snapshot by `buildGraph` (pure).
 * Node ids are stable across revisions of the same host (they derive from namespace inodes, ifindexes, container
 * ids, bridge names and port bindings), so the UI can keep positions and selection while the host changes.
 */
export type NodeKind =
  | 'uplink' // physical / uplink interface of the host namespace
  | 'bridge' // a Linux bridge in the host namespace (docker0, br-…)
  | 'veth' // one end of a veth pair (host side: parent is the host; container side: parent is its namespace)
  | 'interface' // any other interface worth drawing inside a namespace (lo when shown, macvlan, ipvlan, dummy, tun…)
  | 'namespace' // a network namespace box: container sandbox, `ip netns` one, or other
  | 'container' // a container, drawn inside its namespace box (host-mode ones inside the host box)
  | 'port' // a published port binding hostIp:hostPort/proto → container port
  | 'proxy' // a docker-proxy process serving a port
  | 'project'; // a folded group: a compose project, or a network's containers of no project (lib/topology/projects.ts)

export type EdgeKind =
  | 'veth' // the two ends of a veth pair
  | 'bridge-port' // bridge ↔ enslaved interface
  | 'port-map' // published port → the container serving it
  | 'proxy' // published port ↔ docker-proxy
  | 'uplink' // bridge → uplink: traffic leaving the host (routed / masqueraded)
  | 'parent'; // a container's macvlan/ipvlan interface → its parent in the host (frames leave through it)

/** What in the snapshot a node stands for, so panels can show everything the snapshot knows. */
export type NodeRef =
  | { type: 'interface'; namespaceId: string; ifindex: number }
  | { type: 'namespace'; namespaceId: string }
  | { type: 'container'; containerId: string }
  | { type: 'port'; containerId: string; hostIp: string; hostPort: number; protocol: string }
  | { type: 'proxy'; pid: number }
  | { type: 'project'; name: string; network: string | null }; // network: a group of no compose project (projects.ts)

export interface GraphNode {
  id: string;
  kind: NodeKind;
  label: string;
  /** A second line: address, MTU, image, network mode… */
  detail: string | null;
  /** The namespace box this node is drawn inside (container-side veths, containers, other interfaces). */
  parent: string | null;
  /** Link state: up, down (greyed), or n/a for things without one. */
  state: 'up' | 'down' | 'n/a';
  /** Greyed out: down links, bridges with no ports, stopped containers. */
  dimmed: boolean;
  ref: NodeRef;
  /** Docker network ids this node belongs to (for the per-network filter); empty when none. */
  networks: string[];
  /** Lower-case tokens the search box matches: names, IPs (with and without prefix), MACs, ports, ids. */
  search: string[];
  /** Tags for filters: 'loopback', 'host-mode', 'none-mode'. */
  tags: string[];
}

export interface GraphEdge {
  id: string;
  kind: EdgeKind;
  source: string;
  target: string;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Positions keyed by node id; boxes for namespaces contain their children's boxes. */
export type Layout = Map<string, Box>;

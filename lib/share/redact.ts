import { tokenizeWithPositions, quoteArg } from '../netfilter/tokenize';
import { parseRule } from '../netfilter/iptables-rule';
import type {
  Address, Container, DockerNetwork, DockerProxy, Endpoint, Host, Interface, InterfaceRef, IptChain, IptRule, IptRuleset,
  Namespace, Netfilter, NftChain, NftRule, NftSet, NftTable, Problem, Route, Snapshot,
} from '../snapshot/schema';
import { AddressPseudonyms, MacPseudonyms, NamePseudonyms } from './pseudonym';

/**
 * Redaction for snapshots that leave the host. It is an ALLOWLIST: the output is built field by field from the
 * schema, so a field this file does not name never leaves (a field added to the schema later breaks the type check
 * here until someone decides what it may reveal). Options then rewrite or drop the sensitive values that remain.
 * The same redactor serves every channel (files, HTML, pictures, share links).
 */

export const REDACTION_OPTIONS = ['addresses', 'macs', 'hostname', 'names', 'labels', 'comments'] as const;
export type RedactionOption = (typeof REDACTION_OPTIONS)[number];
export type RedactionOptions = ReadonlySet<RedactionOption>;

const DESCRIPTIONS: Record<RedactionOption, { removed: string; kept: string }> = {
  addresses: {
    removed: 'IP addresses and prefixes (interfaces, routes, endpoints, subnets, published ports, docker-proxy, rule text) are replaced by keyed prefix-preserving pseudonyms: subnets, routes and rules stay consistent, private stays private, the last 8 (IPv4) / 16 (IPv6) bits are kept',
    kept: 'IP addresses and prefixes, as they are',
  },
  macs: { removed: 'MAC addresses are replaced by consistent random-looking local ones', kept: 'MAC addresses, as they are' },
  hostname: { removed: 'the host name becomes "host" and a non-socket Docker endpoint is withheld', kept: 'the host name and the Docker endpoint' },
  names: {
    removed: 'container, image, network, compose project/service and ip-netns names (and aliases) become container-1, image-1, network-1 …; problem messages are withheld',
    kept: 'container, image, network, compose and ip-netns names',
  },
  labels: { removed: 'network driver options other than Docker\'s own bridge settings are dropped', kept: 'network driver options' },
  comments: { removed: 'rule comments (iptables -m comment, nft comment) are dropped; unparsed rule lines are withheld', kept: 'rule comments' },
};

/** Always true of an export, whatever the options: what the allowlist guarantees. */
const ALWAYS = [
  'only fields netatlas knows to be safe are written (a field it does not know is dropped); container environment variables are never collected',
  'ids (container, network, namespace inodes), interface names, kernel and Docker versions, sysctls, rule structure and counters are kept',
];

/** Exactly what leaves with these options, one line each: shown before an export and stored in its envelope. */
export function describeRedaction(options: RedactionOptions): string[] {
  return [
    ...ALWAYS,
    ...REDACTION_OPTIONS.map((o) => (options.has(o) ? `redacted: ${DESCRIPTIONS[o].removed}` : `kept: ${DESCRIPTIONS[o].kept}`)),
  ];
}

/** Parses `addresses,macs,…` (or `all`); the unknown words are returned for an error message. */
export function parseRedactionList(text: string): { options: Set<RedactionOption>; unknown: string[] } {
  const options = new Set<RedactionOption>();
  const unknown: string[] = [];
  for (const word of text.split(',').map((w) => w.trim()).filter(Boolean)) {
    if (word === 'all') REDACTION_OPTIONS.forEach((o) => options.add(o));
    else if ((REDACTION_OPTIONS as readonly string[]).includes(word)) options.add(word as RedactionOption);
    else unknown.push(word);
  }
  return { options, unknown };
}

const WITHHELD_RULE: IptRule = {
  raw: '(rule withheld: it could not be redacted)', counters: null, source: null, destination: null, inInterface: null,
  outInterface: null, protocol: null, fragment: null, matches: [], target: null, unparsed: ['(withheld)'],
};

/** Docker's own bridge options: settings, not labels a user wrote. */
const DOCKER_NETWORK_OPTIONS = new Set([
  'com.docker.network.bridge.default_bridge', 'com.docker.network.bridge.enable_icc', 'com.docker.network.bridge.enable_ip_masquerade',
  'com.docker.network.bridge.host_binding_ipv4', 'com.docker.network.bridge.name', 'com.docker.network.driver.mtu',
  'com.docker.network.bridge.gateway_mode_ipv4', 'com.docker.network.bridge.gateway_mode_ipv6', 'com.docker.network.enable_ipv6',
]);
/** Docker's predefined networks: their names say nothing about the host. */
const BUILTIN_NETWORKS = new Set(['bridge', 'host', 'none']);

/** A random key: each export gets its own, so two files cannot be joined by their pseudonyms. */
export function randomRedactionKey(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

export function redactSnapshot(s: Snapshot, options: RedactionOptions, key: string = randomRedactionKey()): Snapshot {
  return new Redactor(options, key, s).snapshot(s);
}

class Redactor {
  private readonly ips: AddressPseudonyms;
  private readonly macs: MacPseudonyms;
  private readonly names = new NamePseudonyms();
  private readonly containerIds: string[];

  constructor(private readonly o: RedactionOptions, key: string, s: Snapshot) {
    this.ips = new AddressPseudonyms(key);
    this.macs = new MacPseudonyms(key);
    this.containerIds = s.docker?.containers.map((c) => c.id) ?? [];
    // Containers are named first so their aliases (which repeat the name) get the same pseudonym.
    for (const c of s.docker?.containers ?? []) this.name('container', c.name);
  }

  private addr = (a: string) => (this.o.has('addresses') ? this.ips.address(a) : a);
  private addrOrNull = (a: string | null) => (a === null ? null : this.addr(a));
  private prefix = (p: string) => (this.o.has('addresses') ? this.ips.prefix(p) : p);
  private prefixOrNull = (p: string | null) => (p === null ? null : this.prefix(p));
  private text = (t: string) => (this.o.has('addresses') ? this.ips.inText(t) : t);
  private mac = (m: string | null) => (m !== null && this.o.has('macs') ? this.macs.mac(m) : m);
  private name = (kind: string, n: string) => (this.o.has('names') ? this.names.name(kind, n) : n);
  private nameOrNull = (kind: string, n: string | null) => (n === null ? null : this.name(kind, n));
  private get withholdsText() {
    return this.o.has('names') || this.o.has('hostname');
  }

  snapshot(s: Snapshot): Snapshot {
    return {
      schemaVersion: s.schemaVersion,
      host: this.host(s.host),
      namespaces: s.namespaces.map((n) => this.namespace(n)),
      docker: s.docker && { networks: s.docker.networks.map((n) => this.network(n)), containers: s.docker.containers.map((c) => this.container(c)) },
      dockerProxies: s.dockerProxies.map((p) => this.proxy(p)),
    };
  }

  private host(h: Host): Host {
    const endpoint = this.o.has('hostname') && !h.docker.endpoint.startsWith('unix://') ? 'withheld' : h.docker.endpoint;
    return {
      hostname: this.o.has('hostname') ? 'host' : h.hostname,
      kernel: h.kernel,
      collectedAt: h.collectedAt,
      collectionMs: h.collectionMs,
      docker: { reachable: h.docker.reachable, endpoint, version: h.docker.version, apiVersion: h.docker.apiVersion },
      iptables: { active: h.iptables.active, version: h.iptables.version, legacyHasRules: h.iptables.legacyHasRules, nftHasRules: h.iptables.nftHasRules, warning: h.iptables.warning },
      sysctls: {
        ipv4Forward: h.sysctls.ipv4Forward,
        ipv6Forward: h.sysctls.ipv6Forward,
        bridgeNfCallIptables: h.sysctls.bridgeNfCallIptables,
        bridgeNfCallIp6tables: h.sysctls.bridgeNfCallIp6tables,
        routeLocalnet: { ...h.sysctls.routeLocalnet },
      },
      problems: h.problems.map((p) => this.problem(p)),
    };
  }

  // Problem messages are free text from the host (names, paths, addresses): withheld when names are redacted.
  private problem(p: Problem): Problem {
    if (this.withholdsText) {
      return { source: p.source, subject: p.subject?.startsWith('netns:') ? p.subject : null, severity: p.severity, message: `a ${p.source} problem (text withheld by redaction)` };
    }
    return { source: p.source, subject: p.subject && this.text(p.subject), severity: p.severity, message: this.text(p.message) };
  }

  private namespace(n: Namespace): Namespace {
    const named = n.kind === 'named' && n.name !== null;
    return {
      id: n.id,
      inode: n.inode,
      kind: n.kind,
      path: named && this.o.has('names') && n.path?.startsWith('/var/run/netns/') ? `/var/run/netns/${this.name('netns', n.name!)}` : n.path,
      name: named ? this.name('netns', n.name!) : n.name,
      containers: [...n.containers],
      interfaces: n.interfaces.map((i) => this.iface(i)),
      routes: n.routes.map((r) => this.route(r)),
      netfilter: n.netfilter && this.netfilter(n.netfilter),
    };
  }

  private ifaceRef = (r: InterfaceRef | null): InterfaceRef | null => r && { namespaceId: r.namespaceId, ifindex: r.ifindex, name: r.name };

  private iface(i: Interface): Interface {
    return {
      id: i.id,
      namespaceId: i.namespaceId,
      ifindex: i.ifindex,
      name: i.name,
      kind: i.kind,
      linkKind: i.linkKind,
      mac: this.mac(i.mac),
      mtu: i.mtu,
      flags: [...i.flags],
      operstate: i.operstate,
      master: i.master,
      addresses: i.addresses.map((a): Address => ({ family: a.family, address: this.addr(a.address), prefixlen: a.prefixlen, scope: a.scope })),
      peer: this.ifaceRef(i.peer),
      parent: i.parent,
      bridge: i.bridge && { stp: i.bridge.stp, vlanFiltering: i.bridge.vlanFiltering, ports: [...i.bridge.ports] },
    };
  }

  private route(r: Route): Route {
    return {
      family: r.family,
      dst: r.dst === 'default' ? r.dst : this.prefix(r.dst),
      gateway: this.addrOrNull(r.gateway),
      dev: r.dev,
      protocol: r.protocol,
      scope: r.scope,
      prefsrc: this.addrOrNull(r.prefsrc),
      metric: r.metric,
      type: r.type,
    };
  }

  private netfilter(nf: Netfilter): Netfilter {
    return { ipv4: nf.ipv4 && this.ruleset(nf.ipv4), ipv6: nf.ipv6 && this.ruleset(nf.ipv6), nftables: nf.nftables && nf.nftables.map((t) => this.nftTable(t)) };
  }

  private ruleset(r: IptRuleset): IptRuleset {
    return {
      tables: r.tables.map((t) => ({ name: t.name, chains: t.chains.map((c) => this.chain(c)) })),
      unparsedLines: r.unparsedLines.map((l) => ({ line: l.line, text: this.o.has('comments') || this.withholdsText ? '(withheld by redaction)' : this.text(l.text) })),
    };
  }

  private chain(c: IptChain): IptChain {
    return { name: c.name, builtin: c.builtin, policy: c.policy, counters: c.counters && { ...c.counters }, rules: c.rules.map((r) => this.rule(r)) };
  }

  /**
   * A rule is redacted as text (the form iptables-save wrote) and parsed again, so its structured fields and its
   * text cannot disagree: addresses in every argument, comments after `--comment`.
   */
  private rule(r: IptRule): IptRule {
    const tokens = tokenizeWithPositions(r.raw);
    const out: string[] = [];
    let changed = false;
    tokens.forEach((t, i) => {
      const comment = i > 0 && tokens[i - 1].text === '--comment' && !tokens[i - 1].quoted;
      const value = comment && this.o.has('comments') ? 'redacted' : !this.o.has('addresses') ? t.text : comment ? this.ips.inText(t.text) : this.ips.value(t.text);
      if (value === t.text) out.push(r.raw.slice(t.start, t.end));
      else {
        changed = true;
        out.push(quoteArg(value, comment));
      }
    });
    const base = changed ? parseRule(out.join(' ')) : r;
    // Substituting values never makes a rule unparsable; if it ever did, the rule is withheld, never sent as it was.
    if (!base) return { ...WITHHELD_RULE, counters: r.counters && { ...r.counters } };
    return {
      raw: base.raw,
      counters: r.counters && { ...r.counters },
      source: base.source && { ...base.source },
      destination: base.destination && { ...base.destination },
      inInterface: base.inInterface && { ...base.inInterface },
      outInterface: base.outInterface && { ...base.outInterface },
      protocol: base.protocol && { ...base.protocol },
      fragment: base.fragment && { negated: base.fragment.negated },
      matches: base.matches.map((m) => ({ module: m.module, known: m.known, options: m.options.map((o) => ({ name: o.name, args: [...o.args], negated: o.negated })) })),
      target: base.target && { name: base.target.name, goto: base.target.goto, options: base.target.options.map((o) => ({ name: o.name, args: [...o.args], negated: o.negated })) },
      unparsed: [...base.unparsed],
    };
  }

  private nftTable(t: NftTable): NftTable {
    return { family: t.family, name: t.name, chains: t.chains.map((c) => this.nftChain(c)), sets: t.sets.map((s) => this.nftSet(s)) };
  }

  private nftChain(c: NftChain): NftChain {
    return { name: c.name, type: c.type, hook: c.hook, priority: c.priority, policy: c.policy, rules: c.rules.map((r) => this.nftRule(r)) };
  }

  private nftRule(r: NftRule): NftRule {
    const dropComment = this.o.has('comments') && r.comment !== null;
    const suffix = r.comment === null ? '' : ` comment "${r.comment}"`;
    const text = dropComment && r.text.endsWith(suffix) ? r.text.slice(0, -suffix.length) : r.text;
    return {
      text: this.text(text),
      handle: r.handle,
      counters: r.counters && { ...r.counters },
      comment: dropComment ? null : r.comment,
      expr: r.expr && (r.expr.map((e) => this.json(e)) as unknown[]),
    };
  }

  /** nft JSON expressions: every string may hold an address; element comments go with the comments option. */
  private json(v: unknown): unknown {
    if (typeof v === 'string') return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.json(x));
    if (typeof v !== 'object' || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!(k === 'comment' && this.o.has('comments'))) out[k] = this.json(x);
    return out;
  }

  private nftSet(s: NftSet): NftSet {
    return { name: s.name, kind: s.kind, type: s.type, elements: s.elements.map((e) => this.text(e)) };
  }

  private network(n: DockerNetwork): DockerNetwork {
    const options = Object.entries(n.options).filter(([k]) => !this.o.has('labels') || DOCKER_NETWORK_OPTIONS.has(k));
    return {
      id: n.id,
      name: BUILTIN_NETWORKS.has(n.name) ? n.name : this.name('network', n.name),
      driver: n.driver,
      scope: n.scope,
      internal: n.internal,
      attachable: n.attachable,
      ipv6: n.ipv6,
      subnets: n.subnets.map((s) => ({ subnet: this.prefix(s.subnet), gateway: this.addrOrNull(s.gateway), ipRange: this.prefixOrNull(s.ipRange) })),
      options: Object.fromEntries(options.map(([k, v]) => [k, k === 'com.docker.network.bridge.host_binding_ipv4' ? this.addr(v) : v])),
      bridge: n.bridge,
      icc: n.icc,
      masquerade: n.masquerade,
      composeProject: this.nameOrNull('project', n.composeProject),
      containers: [...n.containers],
    };
  }

  private alias(a: string): string {
    if (!this.o.has('names')) return a;
    if (this.containerIds.some((id) => id.startsWith(a))) return a;
    return this.names.known('container', a) ?? this.names.name('alias', a);
  }

  private endpoint(e: Endpoint): Endpoint {
    return {
      networkId: e.networkId,
      networkName: BUILTIN_NETWORKS.has(e.networkName) ? e.networkName : this.name('network', e.networkName),
      driver: e.driver,
      endpointId: e.endpointId,
      ipv4: this.addrOrNull(e.ipv4),
      ipv4PrefixLen: e.ipv4PrefixLen,
      ipv6: this.addrOrNull(e.ipv6),
      ipv6PrefixLen: e.ipv6PrefixLen,
      mac: this.mac(e.mac),
      gateway: this.addrOrNull(e.gateway),
      ipv6Gateway: this.addrOrNull(e.ipv6Gateway),
      aliases: e.aliases.map((a) => this.alias(a)),
      containerInterface: this.ifaceRef(e.containerInterface),
      hostInterface: this.ifaceRef(e.hostInterface),
      bridge: e.bridge,
    };
  }

  private container(c: Container): Container {
    return {
      id: c.id,
      name: this.name('container', c.name),
      image: this.name('image', c.image),
      state: c.state,
      // raw is `container:<name or id>` for shared namespaces: only the id form is safe to keep.
      networkMode: { kind: c.networkMode.kind, raw: this.networkModeRaw(c), sharedWith: c.networkMode.sharedWith },
      pid: c.pid,
      namespaceId: c.namespaceId,
      sandboxKey: c.sandboxKey,
      endpoints: c.endpoints.map((e) => this.endpoint(e)),
      ports: c.ports.map((p) => ({ containerPort: p.containerPort, protocol: p.protocol, hostIp: this.addr(p.hostIp), hostPort: p.hostPort })),
      composeProject: this.nameOrNull('project', c.composeProject),
      composeService: this.nameOrNull('service', c.composeService),
    };
  }

  private networkModeRaw(c: Container): string {
    const raw = c.networkMode.raw;
    if (!this.o.has('names')) return raw;
    if (c.networkMode.kind === 'container') return c.networkMode.sharedWith ? `container:${c.networkMode.sharedWith}` : 'container';
    if (['bridge', 'host', 'none', 'default'].includes(raw)) return raw;
    return this.name('network', raw);
  }

  private proxy(p: DockerProxy): DockerProxy {
    return {
      pid: p.pid,
      protocol: p.protocol,
      hostIp: this.addr(p.hostIp),
      hostPort: p.hostPort,
      containerIp: this.addr(p.containerIp),
      containerPort: p.containerPort,
      containerId: p.containerId,
    };
  }
}

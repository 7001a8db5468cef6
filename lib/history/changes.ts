import type { Snapshot } from '../snapshot/schema';
import type { ListPatch, ObjectPatch, SnapshotDelta } from './delta';
import { listKeys } from './delta';
import { namespaceKey } from './keys';

/**
 * The change log: what a structural delta means in words an operator scans for ("when did that rule appear?").
 * Ticks on the timeline and `netatlas history` read these; counters never make a change entry.
 */
export type ChangeKind = 'container' | 'network' | 'namespace' | 'interface' | 'rule' | 'sysctl' | 'docker';
export type ChangeAction = 'added' | 'removed' | 'changed';

export interface Change {
  kind: ChangeKind;
  action: ChangeAction;
  /** The object in the snapshot's own names: container name, network name, `table/chain: rule`, sysctl name. */
  subject: string;
  /** What changed inside, when `action` is `changed` (e.g. `state running → exited`). */
  detail: string | null;
}

type Obj = Record<string, unknown>;

const added = (p: ListPatch | undefined) => (p?.add ?? []).map(([, item]) => item as Obj);

export function describeChanges(a: Snapshot, b: Snapshot, delta: SnapshotDelta): Change[] {
  const s = delta.structure;
  if (!s) return [];
  const out: Change[] = [];
  const push = (kind: ChangeKind, action: ChangeAction, subject: string, detail: string | null = null) =>
    out.push({ kind, action, subject, detail });

  if (s.set && 'docker' in s.set) {
    push('docker', b.docker ? 'added' : 'removed', b.docker ? 'Docker reachable' : 'Docker unreachable');
  }
  const docker = s.fields?.docker as ObjectPatch | undefined;
  const ctrs = docker?.fields?.containers as ListPatch | undefined;
  if (ctrs) {
    const nameOf = (snap: Snapshot, id: string) => snap.docker?.containers.find((c) => c.id === id)?.name ?? id.slice(0, 12);
    for (const id of ctrs.remove ?? []) push('container', 'removed', nameOf(a, id));
    for (const c of added(ctrs)) push('container', 'added', String(c.name));
    for (const [id, p] of ctrs.items ?? []) {
      const set = (p as ObjectPatch).set ?? {};
      const before = a.docker?.containers.find((c) => c.id === id) as unknown as Obj | undefined;
      const detail = Object.keys(set).map((k) => (typeof set[k] === 'object' ? k : `${k} ${String(before?.[k])} → ${String(set[k])}`));
      const inner = Object.keys((p as ObjectPatch).fields ?? {});
      push('container', 'changed', nameOf(b, id), [...detail, ...inner].join(', ') || null);
    }
  }
  const nets = docker?.fields?.networks as ListPatch | undefined;
  if (nets) {
    for (const id of nets.remove ?? []) push('network', 'removed', a.docker?.networks.find((n) => n.id === id)?.name ?? id.slice(0, 12));
    for (const n of added(nets)) push('network', 'added', String(n.name));
    for (const [id, p] of nets.items ?? []) {
      const fields = [...Object.keys((p as ObjectPatch).set ?? {}), ...Object.keys((p as ObjectPatch).fields ?? {})];
      push('network', 'changed', b.docker?.networks.find((n) => n.id === id)?.name ?? id.slice(0, 12), fields.join(', '));
    }
  }

  const sysctls = ((s.fields?.host as ObjectPatch | undefined)?.fields?.sysctls as ObjectPatch | undefined);
  for (const k of Object.keys(sysctls?.set ?? {})) {
    const before = JSON.stringify((a.host.sysctls as unknown as Obj)[k]);
    push('sysctl', 'changed', k, `${before} → ${JSON.stringify((b.host.sysctls as unknown as Obj)[k])}`);
  }

  const nsList = s.fields?.namespaces as ListPatch | undefined;
  if (nsList) {
    const label = (n: Obj) => String(n.name ?? n.id);
    const keysA = listKeys(a.namespaces, namespaceKey);
    for (const k of nsList.remove ?? []) push('namespace', 'removed', label(a.namespaces[keysA.indexOf(k)] as unknown as Obj));
    for (const n of added(nsList)) push('namespace', 'added', label(n));
    const keysB = listKeys(b.namespaces, namespaceKey);
    for (const [k, p] of nsList.items ?? []) {
      const ns = b.namespaces[keysB.indexOf(k)];
      const where = ns.kind === 'host' ? 'host' : (ns.name ?? ns.id);
      const ifaces = (p as ObjectPatch).fields?.interfaces as ListPatch | undefined;
      const before = a.namespaces[keysA.indexOf(k)];
      for (const idx of ifaces?.remove ?? []) {
        push('interface', 'removed', `${where}: ${before?.interfaces.find((i) => String(i.ifindex) === idx)?.name ?? `if${idx}`}`);
      }
      for (const i of added(ifaces)) push('interface', 'added', `${where}: ${String(i.name)}`);
      const nf = (p as ObjectPatch).fields?.netfilter as ObjectPatch | undefined;
      for (const family of ['ipv4', 'ipv6'] as const) rulesChanged(nf?.fields?.[family] as ObjectPatch | undefined, `${where} ${family}`, push);
      nftRulesChanged(nf?.fields?.nftables as ListPatch | undefined, `${where} nft`, push);
    }
  }
  return out;
}

type Push = (kind: ChangeKind, action: ChangeAction, subject: string, detail?: string | null) => void;

/**
 * Tables, chains and rules that came or went in one namespace's iptables ruleset (`ruleset.tables`) or native
 * nftables (`tables`). A rule's occurrence suffix (`#2`) is kept: it says which of identical rules came or went.
 */
function rulesChanged(ruleset: ObjectPatch | undefined, where: string, push: Push) {
  tablesChanged(ruleset?.fields?.tables as ListPatch | undefined, where, (t) => String(t.name), (r) => String(r.raw), push);
}

function nftRulesChanged(tables: ListPatch | undefined, where: string, push: Push) {
  tablesChanged(tables, where, (t) => `${String(t.family)} ${String(t.name)}`, (r) => String(r.text), push);
}

function tablesChanged(tables: ListPatch | undefined, where: string, tableName: (t: Obj) => string, ruleText: (r: Obj) => string, push: Push) {
  for (const t of added(tables)) push('rule', 'added', `${where} ${tableName(t)}`, 'table');
  for (const key of tables?.remove ?? []) push('rule', 'removed', `${where} ${key}`, 'table');
  for (const [table, tp] of tables?.items ?? []) {
    const chains = (tp as ObjectPatch).fields?.chains as ListPatch | undefined;
    for (const c of added(chains)) push('rule', 'added', `${where} ${table}/${String(c.name)}`, 'chain');
    for (const name of chains?.remove ?? []) push('rule', 'removed', `${where} ${table}/${name}`, 'chain');
    for (const [chain, cp] of chains?.items ?? []) {
      const rules = (cp as ObjectPatch).fields?.rules as ListPatch | undefined;
      for (const r of added(rules)) push('rule', 'added', `${where} ${table}/${chain}: ${ruleText(r)}`);
      for (const key of rules?.remove ?? []) push('rule', 'removed', `${where} ${table}/${chain}: ${key}`);
      const policy = (cp as ObjectPatch).set?.policy;
      if (policy !== undefined) push('rule', 'changed', `${where} ${table}/${chain}`, `policy ${String(policy)}`);
    }
  }
}

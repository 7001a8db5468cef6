import { randomBytes } from 'node:crypto';
import { splitJsonValues } from '../../lib/netlink/json-stream';
import { shQuote, type ShellPool } from './shell-pool';

/**
 * Reads one network namespace with a single process tree, `nsenter --net=PATH sh -c SCRIPT` (plain `sh -c` for
 * the host's), started from a worker shell of the pool. Process starts dominate the cost, so the script uses as
 * few as it can: one `ip -batch` for links, addresses and IPv4 routes, `ip -6 route` only where some device has
 * IPv6 enabled, one `nft -j`, and
 * iptables-save / ip6tables-save only when that family has tables at all (nft lists iptables-nft's tables; legacy
 * ones show in /proc/net/ip*_tables_names). Sections come back on stdout between nonce markers.
 */
export type Section = 'link' | 'addr' | 'route4' | 'route6' | 'ipt4' | 'ipt6' | 'nft' | 'ip_vs' | 'fwd4' | ListenerSection;
/** Named after the /proc/net files they print. */
export type ListenerSection = 'tcp' | 'tcp6' | 'udp' | 'udp6';

export const NETLINK_SECTIONS: Section[] = ['link', 'addr', 'route4', 'route6'];
export const NETFILTER_SECTIONS: Section[] = ['ipt4', 'ipt6', 'nft'];
export const LISTENER_SECTIONS: ListenerSection[] = ['tcp', 'tcp6', 'udp', 'udp6'];

export interface SectionResult {
  stdout: string;
  /** Exit status of the section's command; 127 when the tool is missing. */
  code: number;
}

export interface NamespaceRead {
  sections: Partial<Record<Section, SectionResult>>;
  /** Set when the namespace could not be entered at all (vanished, no permission, nsenter missing). */
  error: string | null;
  stderr: string;
}

const section = (m: string, name: string, body: string) => `echo "${m} begin ${name}"; ${body}; echo; echo "${m} end ${name} $rc";`;
const tool = (cmd: string) => `if command -v ${cmd.split(' ')[0]} >/dev/null 2>&1; then ${cmd}; rc=$?; else rc=127; fi`;

export function buildScript(sections: Section[], m: string): string {
  const want = new Set(sections);
  let s = '';
  if (want.has('link') || want.has('addr') || want.has('route4')) {
    s += section(m, 'batch', `printf 'link show\\naddr show\\nroute show table main\\n' | ip -j -d -batch -; rc=$?`);
  }
  if (want.has('route6')) {
    // (read's status is ignored: dash reports EOF on these files even though it read the value.)
    // Docker disables IPv6 in most containers; without an IPv6-enabled device there are no IPv6 routes to read.
    s += `v6=; for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do v=; read -r v <"$f" 2>/dev/null; [ "$v" = 0 ] && v6=1; done; `;
    s += section(m, 'route6', `if [ -n "$v6" ]; then ip -j -d -6 route show table main; rc=$?; else echo '[]'; rc=0; fi`);
  }
  if (want.has('nft') || want.has('ipt4') || want.has('ipt6')) {
    s += section(m, 'nft', `if command -v nft >/dev/null 2>&1; then o=$(nft -j list ruleset); rc=$?; printf '%s' "$o"; else o=; rc=127; fi`);
    // Which families have iptables tables: any nft table of the family, or legacy tables; if nft failed, assume yes.
    s += `w4=; w6=; [ $rc -eq 0 ] || { w4=1; w6=1; }; case $o in *'"family": "ip"'*) w4=1;; esac; case $o in *'"family": "ip6"'*) w6=1;; esac; `;
    s += `read -r x </proc/net/ip_tables_names 2>/dev/null && w4=1; read -r x </proc/net/ip6_tables_names 2>/dev/null && w6=1; `;
    s += section(m, 'ipt4', `rc=0; [ -z "$w4" ] || { ${tool('iptables-save -c')}; }`);
    s += section(m, 'ipt6', `rc=0; [ -z "$w6" ] || { ${tool('ip6tables-save -c')}; }`);
  }
  for (const f of LISTENER_SECTIONS) {
    if (!want.has(f)) continue;
    // A shell loop, not cat: no process. No tcp6/udp6 file means no IPv6 in this kernel, so no such sockets.
    const missing = f.endsWith('6') ? 'rc=0' : 'rc=1';
    s += section(m, f, `if [ -r /proc/net/${f} ]; then while IFS= read -r l; do printf '%s\\n' "$l"; done </proc/net/${f}; rc=0; else ${missing}; fi`);
  }
  if (want.has('ip_vs')) {
    // The IPVS table (swarm's load balancers) and whether the namespace forwards; status 2: the file is absent, so
    // the kernel has no IPVS.
    // (read's status is ignored, as above: dash reports EOF on /proc/sys files even though it read the value.)
    s += section(m, 'fwd4', `v=; read -r v </proc/sys/net/ipv4/ip_forward 2>/dev/null; printf '%s' "$v"; [ -n "$v" ]; rc=$?`);
    s += section(m, 'ip_vs', `if [ -e /proc/net/ip_vs ]; then if [ -r /proc/net/ip_vs ]; then while IFS= read -r l; do printf '%s\\n' "$l"; done </proc/net/ip_vs; rc=0; else rc=1; fi; else rc=2; fi`);
  }
  return s;
}

export function parseSections(stdout: string, marker: string): Partial<Record<Section, SectionResult>> {
  const raw: Record<string, SectionResult> = {};
  const re = new RegExp(`^${marker} begin (\\w+)\\n([\\s\\S]*?)\\n?\\n${marker} end \\1 (\\d+)$`, 'gm');
  for (const m of stdout.matchAll(re)) raw[m[1]] = { stdout: m[2], code: Number(m[3]) };
  const out: Partial<Record<Section, SectionResult>> = {};
  for (const k of ['route6', 'nft', 'ipt4', 'ipt6', 'ip_vs', 'fwd4', ...LISTENER_SECTIONS] as const) if (raw[k]) out[k] = raw[k];
  const batch = raw.batch;
  if (batch) {
    // `ip -batch` prints one JSON array per command, one after the other.
    const parts = batch.code === 0 ? splitJsonValues(batch.stdout) : [];
    const ok = parts.length === 3;
    (['link', 'addr', 'route4'] as const).forEach((k, i) => {
      out[k] = ok ? { stdout: parts[i], code: 0 } : { stdout: '', code: batch.code || 1 };
    });
  }
  return out;
}

/** `path` null reads the namespace the pool's shells run in (the host's). */
export async function readNamespace(pool: ShellPool, path: string | null, sections: Section[], timeoutMs = 15_000): Promise<NamespaceRead> {
  const marker = `@@ns-${randomBytes(6).toString('hex')}`;
  const script = shQuote(buildScript(sections, marker));
  const cmd = path === null ? `sh -c ${script}` : `nsenter --net=${shQuote(path)} -- sh -c ${script}`;
  try {
    const r = await pool.run(cmd, timeoutMs);
    const parsed = parseSections(r.stdout, marker);
    const got = Object.keys(parsed).length;
    const error = got === 0 ? (r.stderr.trim() || `exit status ${r.code}`).split('\n')[0] : null;
    return { sections: parsed, error, stderr: r.stderr };
  } catch (e) {
    return { sections: {}, error: (e as Error).message, stderr: '' };
  }
}

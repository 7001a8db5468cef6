import { ipvsTable, type IpvsRead } from '../../lib/net/ipvs';
import type { IpvsService } from '../../lib/snapshot/schema';
import type { NativeReader } from './native-reader';
import { readNamespace } from './netns-read';
import type { ShellPool } from './shell-pool';

export interface IpvsNamespaceRead {
  /** null: not read, `reason` says why (e.g. the kernel has no IPVS). */
  services: IpvsService[] | null;
  reason: string | null;
  /** Lines not understood, or a table cut short. */
  warning: string | null;
  ipv4Forward: number | null;
}

/**
 * A namespace's IPVS table (/proc/net/ip_vs as the namespace sees it) and its net.ipv4.ip_forward, read from inside
 * it: one `v` request to the native reader, else nsenter and a shell loop (no ipvsadm: the kernel's own file says
 * everything the simulator needs, and needs no tool installed). Read-only.
 */
export async function readIpvs(native: NativeReader | null, pool: () => ShellPool, path: string | null): Promise<IpvsNamespaceRead> {
  const fwd = (n: number | undefined | null) => (n === 0 || n === 1 ? n : null);
  const done = (ipvs: IpvsRead, ipv4Forward: number | null) => ({ ...ipvsTable(ipvs), ipv4Forward });
  if (native) {
    try {
      const a = await native.read(path, ['v']);
      if (!a.ok || !a.ipvs) return done({ kind: 'failed', why: a.error ?? 'no answer' }, null);
      const ipv4Forward = fwd(a.ipv4Forward);
      if ('text' in a.ipvs) return done({ kind: 'text', text: a.ipvs.text, truncated: a.ipvs.truncated }, ipv4Forward);
      return done(a.ipvs.errno === 2 ? { kind: 'absent' } : { kind: 'failed', why: `error ${a.ipvs.errno} opening it` }, ipv4Forward);
    } catch {
      // the reader died: the shell path below
    }
  }
  const r = await readNamespace(pool(), path, ['ip_vs', 'fwd4']);
  const sec = r.sections.ip_vs;
  const f = r.sections.fwd4;
  const ipv4Forward = f?.code === 0 ? fwd(Number(f.stdout.trim())) : null;
  if (!sec) return done({ kind: 'failed', why: r.error ?? 'no answer' }, ipv4Forward);
  if (sec.code === 2) return done({ kind: 'absent' }, ipv4Forward);
  return done(sec.code === 0 ? { kind: 'text', text: sec.stdout, truncated: false } : { kind: 'failed', why: 'not readable' }, ipv4Forward);
}

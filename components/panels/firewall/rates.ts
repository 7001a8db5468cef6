import type { Counters } from '@/lib/snapshot/netfilter-schema';
import type { Snapshot } from '@/lib/snapshot/schema';

/**
 * Live rates: packets/s of a rule between two revisions of the snapshot. A rule is the same rule in both when
 * namespace, family, table, chain, position and text all agree; anything else (moved, edited, new) has no rate.
 */

/** `family` is 'ipv4' / 'ipv6' for iptables and `nft:<family>` for native nftables tables. */
export function ruleKey(namespaceId: string, family: string, table: string, chain: string, index: number, text: string): string {
  return `${namespaceId}\u0000${family}\u0000${table}\u0000${chain}\u0000${index}\u0000${text}`;
}

export const nftFamilyKey = (tableFamily: string) => `nft:${tableFamily}`;

/** Every rule counter of a snapshot, keyed by {@link ruleKey}. */
export function counterIndex(s: Snapshot): Map<string, Counters> {
  const out = new Map<string, Counters>();
  for (const ns of s.namespaces) {
    const nf = ns.netfilter;
    if (!nf) continue;
    for (const family of ['ipv4', 'ipv6'] as const) {
      for (const t of nf[family]?.tables ?? []) {
        for (const c of t.chains) {
          c.rules.forEach((r, i) => {
            if (r.counters) out.set(ruleKey(ns.id, family, t.name, c.name, i, r.raw), r.counters);
          });
        }
      }
    }
    for (const t of nf.nftables ?? []) {
      for (const c of t.chains) {
        c.rules.forEach((r, i) => {
          if (r.counters) out.set(ruleKey(ns.id, nftFamilyKey(t.family), t.name, c.name, i, r.text), r.counters);
        });
      }
    }
  }
  return out;
}

/** Seconds between two collection times; null when either is unreadable or time did not move forward. */
export function elapsedSeconds(previousAt: string, currentAt: string): number | null {
  const a = Date.parse(previousAt);
  const b = Date.parse(currentAt);
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= a) return null;
  return (b - a) / 1000;
}

/** What the rate of every rule of the current revision is computed against. */
export interface RateBase {
  counters: Map<string, Counters>;
  seconds: number | null;
}

/** null on the first revision (nothing to compare with). */
export function rateBase(previous: Snapshot | null, current: Snapshot): RateBase | null {
  if (!previous || previous === current) return null;
  return { counters: counterIndex(previous), seconds: elapsedSeconds(previous.host.collectedAt, current.host.collectedAt) };
}

/**
 * Packets per second, or null when unknown: first revision, the rule was not there before (or moved / changed),
 * counters missing, no time elapsed, or the counter went backwards (zeroed with `iptables -Z`, rules reloaded).
 */
export function packetRate(current: Counters | null, previous: Counters | undefined | null, seconds: number | null): number | null {
  if (!current || !previous || seconds === null || !(seconds > 0)) return null;
  const d = current.packets - previous.packets;
  if (d < 0) return null;
  return d / seconds;
}

export function rateFor(base: RateBase | null, key: string, current: Counters | null): number | null {
  if (!base) return null;
  return packetRate(current, base.counters.get(key), base.seconds);
}

/** "—" for unknown, "0/s", "0.5/s", "12/s", "3.4k/s", "1.2M/s". */
export function formatRate(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return '—';
  if (r === 0) return '0/s';
  if (r < 10) return `${trim(r.toFixed(1))}/s`;
  if (r < 1000) return `${Math.round(r)}/s`;
  if (r < 1e6) return `${trim((r / 1e3).toFixed(1))}k/s`;
  return `${trim((r / 1e6).toFixed(1))}M/s`;
}

const trim = (s: string) => s.replace(/\.0$/, '');

/**
 * A counter the way `iptables -L -v` prints it: exact up to 99999, then K, M, G, T (each step divides by 1000,
 * rounding, while the number stays above 9999).
 */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n <= 99999) return String(n);
  const units = ['K', 'M', 'G', 'T'];
  let v = n;
  for (let i = 0; i < units.length; i++) {
    v = Math.floor((v + 500) / 1000);
    if (v <= 9999 || i === units.length - 1) return `${v}${units[i]}`;
  }
  return String(n);
}

import { splitEndpoint } from '../net/cidr';
import type { IptTarget } from '../snapshot/netfilter-schema';
import { hostPort, parseIP } from './addr';
import type { CTarget } from './rules';

/** iptables targets (and the NAT specs nft shares) compiled into what they do to a trace. */

/** Targets that neither decide nor change anything a later rule or the routing could see. */
const CONTINUE_TARGETS = new Set([
  'LOG', 'NFLOG', 'ULOG', 'TRACE', 'AUDIT', 'CHECKSUM', 'TCPMSS', 'TOS', 'DSCP', 'TTL', 'HL', 'ECN', 'CLASSIFY',
  'SECMARK', 'CONNSECMARK', 'IDLETIMER', 'LED', 'SET', 'TEE', 'RATEEST', 'HMARK', 'NFACCT',
]);

const num = (s: string | undefined) => (s === undefined || s === '' ? NaN : Number(s));

/** `addr[-addr][:port[-port]]` (DNAT/SNAT specs); `:port` alone for port-only SNAT. */
export function natSpec(spec: string, kind: 'dnat' | 'snat'): CTarget {
  const label = `${kind.toUpperCase()} → ${spec}`;
  const { address, port } = splitEndpoint(spec);
  const [a1, a2] = address.split('-');
  let addr = null;
  if (address !== '') {
    addr = parseIP(a1);
    if (!addr) return { kind: 'unknown', why: `${kind.toUpperCase()} to ${spec}: address not understood`, label };
    if (a2 !== undefined && parseIP(a2)?.text !== addr.text)
      return { kind: 'unknown', why: `${kind.toUpperCase()} to the range ${address}: which address the kernel picks is not known`, label };
  }
  let p: number | null = null;
  if (port) {
    const [p1, p2] = port.split('-');
    p = num(p1);
    if (!Number.isInteger(p)) return { kind: 'unknown', why: `${kind.toUpperCase()} port ${port} not understood`, label };
    // A source port range only changes the client's port; a destination range would change which port is reached.
    if (kind === 'dnat' && p2 !== undefined && num(p2) !== p)
      return { kind: 'unknown', why: `DNAT to the port range ${port}: which port the kernel picks is not known`, label };
  }
  if (kind === 'snat') p = null; // the client's port is not tracked
  return { kind, addr, port: p, label: `${kind.toUpperCase()} → ${addr ? hostPort(addr, p) : `port ${port}`}` };
}

function portOpt(spec: string | undefined): number | null | undefined {
  if (spec === undefined) return null;
  const [p1, p2] = spec.split('-');
  const p = num(p1);
  if (!Number.isInteger(p) || (p2 !== undefined && num(p2) !== p)) return undefined;
  return p;
}

function markOp(t: IptTarget, connmark: boolean): CTarget {
  const label = `${t.name} ${t.options.map((o) => `--${o.name} ${o.args.join(' ')}`.trim()).join(' ')}`;
  const opt = (n: string) => t.options.find((o) => o.name === n)?.args[0];
  const vm = (s: string | undefined): [number, number] | null => {
    if (s === undefined) return null;
    const [v, m] = s.split('/');
    const value = num(v);
    const mask = m === undefined ? 0xffffffff : num(m);
    return Number.isFinite(value) && Number.isFinite(mask) ? [value >>> 0, mask >>> 0] : null;
  };
  const u = (x: number) => x >>> 0;
  const first = t.options[0]?.name;
  const set = (f: (cur: number) => number) =>
    connmark ? (mark: number, ct: number): [number, number] => [mark, u(f(ct))] : (mark: number, ct: number): [number, number] => [u(f(mark)), ct];
  let apply: ((mark: number, ct: number) => [number, number]) | null = null;
  if (first === 'set-xmark' || first === 'set-mark') {
    const p = vm(opt(first));
    if (p) apply = set((cur) => (first === 'set-xmark' ? (cur & ~p[1]) ^ p[0] : (cur & ~p[1]) | p[0]));
  } else if (!connmark && (first === 'and-mark' || first === 'or-mark' || first === 'xor-mark')) {
    const v = num(opt(first));
    if (Number.isFinite(v)) apply = set((cur) => (first === 'and-mark' ? cur & v : first === 'or-mark' ? cur | v : cur ^ v));
  } else if (connmark && (first === 'save-mark' || first === 'restore-mark')) {
    const nf = num(opt('nfmask') ?? opt('mask') ?? '0xffffffff');
    const ctm = num(opt('ctmask') ?? opt('mask') ?? '0xffffffff');
    if (Number.isFinite(nf) && Number.isFinite(ctm)) {
      apply =
        first === 'save-mark'
          ? (mark, ct) => [mark, u((ct & ~ctm) ^ (mark & nf))]
          : (mark, ct) => [u((mark & ~nf) ^ (ct & ctm)), ct];
    }
  }
  if (!apply) return { kind: 'unknown', why: `${label.trim()} is not understood`, label };
  return { kind: 'mark', apply, label: label.trim() };
}

/** An iptables rule's target; `chains` are the user chains of its table. */
export function iptTarget(t: IptTarget | null, chains: Set<string>): CTarget {
  if (!t) return { kind: 'none', label: 'count only' };
  const name = t.name;
  const opt = (n: string) => t.options.find((o) => o.name === n);
  if (chains.has(name)) return { kind: t.goto ? 'goto' : 'jump', chain: name, label: `${t.goto ? 'goto' : 'jump'} ${name}` };
  switch (name) {
    case 'ACCEPT':
      return { kind: 'accept', label: 'ACCEPT' };
    case 'DROP':
      return { kind: 'drop', label: 'DROP' };
    case 'REJECT':
      return { kind: 'reject', label: `REJECT${opt('reject-with') ? ` with ${opt('reject-with')!.args[0]}` : ''}` };
    case 'RETURN':
      return { kind: 'return', label: 'RETURN' };
    case 'NOTRACK':
      return { kind: 'notrack', label: 'NOTRACK' };
    case 'CT':
      return opt('notrack') ? { kind: 'notrack', label: 'CT --notrack' } : { kind: 'continue', label: 'CT' };
    case 'MARK':
      return markOp(t, false);
    case 'CONNMARK':
      return markOp(t, true);
    case 'DNAT':
    case 'SNAT': {
      const specs = t.options.filter((o) => o.name === (name === 'DNAT' ? 'to-destination' : 'to-source'));
      if (specs.length !== 1) return { kind: 'unknown', why: `${name} without exactly one ${name === 'DNAT' ? '--to-destination' : '--to-source'}`, label: name };
      return natSpec(specs[0].args[0] ?? '', name === 'DNAT' ? 'dnat' : 'snat');
    }
    case 'MASQUERADE':
      return { kind: 'masquerade', port: null, label: 'MASQUERADE' };
    case 'REDIRECT': {
      const p = portOpt(opt('to-ports')?.args[0]);
      if (p === undefined) return { kind: 'unknown', why: `REDIRECT to ports ${opt('to-ports')?.args[0]}: which port is not known`, label: 'REDIRECT' };
      return { kind: 'redirect', port: p, label: `REDIRECT${p !== null ? ` → port ${p}` : ''}` };
    }
    default:
      if (CONTINUE_TARGETS.has(name)) return { kind: 'continue', label: name };
      if (name === 'QUEUE' || name === 'NFQUEUE') return { kind: 'unknown', why: `${name} hands the packet to a program in user space, which decides`, label: name };
      return { kind: 'unknown', why: `target ${name} is not simulated (nor is it a chain of this table)`, label: name };
  }
}

import type { IP } from './addr';
import type { Conn, Hook, Oracle } from './packet';
import type { CRule, CTable } from './rules';
import type { Step } from './types';
import type { NsView, Prepared } from './view';

/** Where a leg's client is, so the reply knows when it got home. */
export type Client =
  | { kind: 'local'; nsId: string; ip: IP }
  /** Arrived from outside on a host interface: the reply has made it once it leaves through that interface. */
  | { kind: 'outside'; nsId: string; iface: string; ip: IP };

/** The state of one run of a trace (one answer to each unknown). */
export class Walk {
  steps: Step[] = [];
  /** Phrases for the summary, in order. */
  story: string[] = [];
  conns: Conn[] = [];
  client: Client | null = null;
  /** The last rule or policy that accepted the packet (for "accepted by …" in sentences). */
  lastAccept: { view: NsView; table: CTable; chain: string; rule: CRule | null; hook: Hook } | null = null;
  /** Which of an IPVS service's real servers this run follows (tracePath tries each). */
  ipvsPick = 0;
  /** The IPVS service the packet met, with every real server it could have been sent to. */
  ipvsMet: { namespaceId: string; service: string; reals: string[] } | null = null;
  /** The rule that ended the walk, when one did. */
  decisive: { view: NsView; table: CTable; chain: string; rule: CRule | null; verdict: string } | null = null;
  constructor(
    readonly p: Prepared,
    readonly oracle: Oracle,
    readonly verbose: boolean,
  ) {}

  note(text: string): void {
    this.steps.push({ type: 'note', text });
  }
}

'use client';

import { memo, useEffect, useRef, type ReactNode } from 'react';
import type { Snapshot } from '@/lib/snapshot/schema';
import type { Outcome, Step, TraceResult } from '@/lib/sim/types';
import type { FocusRule } from '../firewall/focus';
import { hostPort, namespaceLabel, receiverLabel } from '@/lib/snapshot/names';
import { decidingRule, focusForStep, KERNEL_DROP_LABELS, OUTCOME_LABELS, ruleWhere, UNCERTAIN_LABELS, VERDICT_LABELS, type Verdict } from './describe';
import { queryText } from './presets';
import { listenerText } from '@/lib/sim/listen';

export interface PathResultProps {
  snapshot: Snapshot;
  result: TraceResult;
  onFocusRule: (f: FocusRule) => void;
  onClear: () => void;
  /** Whether the rules that did not match are listed too (the simulator's `verbose`), and a way to switch. */
  verbose: boolean;
  onVerbose: (verbose: boolean) => void;
}

const OUTCOME_TONES: Record<Outcome['result'], string> = {
  delivered: 'bg-emerald-100 text-emerald-900 ring-emerald-600/30 dark:bg-emerald-900/50 dark:text-emerald-200',
  dropped: 'bg-red-100 text-red-900 ring-red-600/30 dark:bg-red-900/50 dark:text-red-200',
  rejected: 'bg-red-100 text-red-900 ring-red-600/30 dark:bg-red-900/50 dark:text-red-200',
  'no-route': 'bg-slate-200 text-slate-800 ring-slate-500/30 dark:bg-slate-700 dark:text-slate-100',
  uncertain: 'bg-orange-100 text-orange-900 ring-orange-600/30 dark:bg-orange-900/50 dark:text-orange-200',
  refused: 'bg-red-100 text-red-900 ring-red-600/30 dark:bg-red-900/50 dark:text-red-200',
  'port-unreachable': 'bg-red-100 text-red-900 ring-red-600/30 dark:bg-red-900/50 dark:text-red-200',
};

const VERDICT_TONES: Record<Verdict, string> = {
  match: 'bg-sky-100 text-sky-900 dark:bg-sky-900/60 dark:text-sky-100',
  'no-match': 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300',
  uncertain: 'bg-orange-100 text-orange-900 dark:bg-orange-900/60 dark:text-orange-100',
  policy: 'bg-violet-100 text-violet-900 dark:bg-violet-900/60 dark:text-violet-100',
};

const STEP_NAMES: Record<Step['type'], string> = {
  route: 'route',
  hop: 'hop',
  bridge: 'bridge',
  rule: 'rule',
  nat: 'NAT',
  proxy: 'proxy',
  deliver: 'deliver',
  note: 'note',
};

const chip = 'rounded px-1.5 py-px text-[10px] font-semibold tracking-wide uppercase';
const linkButton =
  'rounded text-xs text-sky-700 underline decoration-sky-300 underline-offset-2 hover:text-sky-900 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:text-sky-300 dark:decoration-sky-700 dark:hover:text-sky-100';
const Mono = ({ children }: { children: ReactNode }) => <span className="font-mono text-[0.8rem] break-all">{children}</span>;

/**
 * One traced packet: the summary, the outcome (and, when it does not get through, the rule that decides), what
 * the receiver sees, the reply, and every step in order. Rule steps open the Firewall tab on that rule.
 * Everything from the host (names, rule text) is rendered as React text only.
 */
export const PathResult = memo(function PathResult({ snapshot: s, result: r, onFocusRule, onClear, verbose, onVerbose }: PathResultProps) {
  const o = r.outcome;
  const label = OUTCOME_LABELS[o.result];
  const deciding = decidingRule(r);
  const replySteps = r.replySteps ?? [];

  // A new question brings its answer into view, top first (the presets and the form are below it; the margin
  // keeps it clear of the sticky tab bar).
  const ref = useRef<HTMLElement>(null);
  const key = JSON.stringify(r.query);
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'start' });
  }, [key]);

  return (
    <section ref={ref} data-testid="path-result" aria-label="Packet path" className="scroll-mt-14 space-y-3 rounded border border-slate-300 p-3 dark:border-slate-600">
      <div className="flex items-start gap-2">
        <p data-testid="path-query" className="min-w-0 flex-1 font-mono text-xs break-all text-slate-600 dark:text-slate-300">
          {queryText(s, r.query)}
        </p>
        <button
          type="button"
          onClick={onClear}
          className="shrink-0 rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:border-slate-600 dark:hover:bg-slate-800"
        >
          Clear
        </button>
      </div>

      <p data-testid="path-summary" className="text-sm leading-snug">
        {r.summary}
      </p>

      <div className="flex flex-wrap items-center gap-2">
        <span data-testid="path-outcome" data-outcome={o.result} className={`rounded px-2 py-0.5 text-sm font-semibold ring-1 ring-inset ${OUTCOME_TONES[o.result]}`}>
          {label}
        </span>
        {r.legs === 2 && (
          <span data-testid="path-legs" className="rounded bg-orange-100 px-2 py-0.5 text-xs text-orange-900 dark:bg-orange-900/50 dark:text-orange-200">
            2 legs (docker-proxy)
          </span>
        )}
        {r.legs > 2 && (
          <span data-testid="path-legs" className="rounded bg-orange-100 px-2 py-0.5 text-xs text-orange-900 dark:bg-orange-900/50 dark:text-orange-200">
            {r.legs} legs
          </span>
        )}
        <span role="status" className="sr-only">
          Packet path traced: {label}.
        </span>
      </div>

      <OutcomeDetails s={s} o={o} onFocus={deciding ? () => onFocusRule(deciding) : null} />

      {r.reply && (
        <p data-testid="path-reply" className="text-sm text-slate-700 dark:text-slate-300">
          <span className="font-semibold">Reply: </span>
          {r.reply}
        </p>
      )}

      <div className="space-y-1.5">
        <div className="flex flex-wrap items-baseline gap-x-3">
          <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">Steps ({r.steps.length})</h3>
          <label className="flex items-center gap-1 text-xs text-slate-600 dark:text-slate-300">
            <input type="checkbox" data-testid="path-verbose" checked={verbose} onChange={(e) => onVerbose(e.target.checked)} />
            list the rules that did not match too
          </label>
        </div>
        <ol data-testid="path-steps" className="space-y-1">
          <PathSteps s={s} steps={r.steps} onFocusRule={onFocusRule} />
        </ol>
      </div>

      {replySteps.length > 0 && (
        <details data-testid="path-reply-steps" className="space-y-1">
          <summary className="cursor-pointer text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
            The reply&apos;s way back ({replySteps.length} step{replySteps.length === 1 ? '' : 's'})
          </summary>
          <ol className="mt-1 space-y-1">
            <PathSteps s={s} steps={replySteps} onFocusRule={onFocusRule} />
          </ol>
        </details>
      )}
    </section>
  );
});

function OutcomeDetails({ s, o, onFocus }: { s: Snapshot; o: Outcome; onFocus: (() => void) | null }) {
  const open = onFocus && (
    <button type="button" onClick={onFocus} data-testid="path-open-rule" className={linkButton}>
      Show it in the Firewall tab
    </button>
  );
  const ofReply = o.result !== 'delivered' && o.direction === 'reply';
  const replyNote = ofReply ? <p className="font-semibold">The first packet gets through; it is the reply that fails.</p> : null;
  switch (o.result) {
    case 'delivered':
      return (
        <div data-testid="path-verdict" className="space-y-0.5 text-sm">
          {o.leaves ? (
            <p>
              It leaves the host through <Mono>{o.leaves.iface}</Mono>
              {o.leaves.via ? (
                <>
                  {' '}
                  towards <Mono>{o.leaves.via}</Mono>
                </>
              ) : null}
              ; what lies beyond is not in the snapshot.
            </p>
          ) : (
            <p>
              Delivered to <span className="font-semibold">{receiverLabel(s, o.namespaceId, o.containerIds)}</span>
              {o.port !== null ? ` on port ${o.port}` : ''}.{o.listener === 'unknown' ? ' Whether a process listens there is not in the snapshot.' : o.listener ? ` It is taken by the socket on ${listenerText(o.listener)}.` : ''}
            </p>
          )}
          <p data-testid="path-seen" className="text-slate-700 dark:text-slate-300">
            {o.leaves ? 'It goes out' : 'It sees the packet'} as from <Mono>{o.seenSource}</Mono> to <Mono>{o.seenDestination}</Mono>.
          </p>
        </div>
      );
    case 'refused':
    case 'port-unreachable':
      return (
        <div data-testid="path-verdict" className="space-y-1 rounded border border-red-200 bg-red-50/60 p-2 text-sm dark:border-red-900 dark:bg-red-950/30">
          <p>
            <span className="font-semibold">Why it does not get through: </span>
            it reaches {namespaceLabel(s, o.namespaceId)} at <Mono>{o.destination}</Mono>, where nothing takes it (
            {o.result === 'refused' ? 'the kernel answers RST: connection refused' : 'the kernel answers ICMP port unreachable'}): {o.why}.
          </p>
        </div>
      );
    case 'dropped':
    case 'rejected':
      return (
        <div data-testid="path-verdict" className="space-y-1 rounded border border-red-200 bg-red-50/60 p-2 text-sm dark:border-red-900 dark:bg-red-950/30">
          {replyNote}
          {o.cause === 'rule' ? (
            <>
              <p>
                <span className="font-semibold">Why it does not get through: </span>
                {o.result} by <span data-testid="path-deciding-rule" className="font-semibold">{ruleWhere(o.table, o.chain, o.index)}</span> in{' '}
                {namespaceLabel(s, o.namespaceId)}.
              </p>
              <code className="block font-mono text-xs break-all whitespace-pre-wrap">{o.rule}</code>
            </>
          ) : (
            <p>
              <span className="font-semibold">Why it does not get through: </span>
              {o.result} by the kernel in {namespaceLabel(s, o.namespaceId)} ({KERNEL_DROP_LABELS[o.cause]}): {o.why}.
            </p>
          )}
          {open}
        </div>
      );
    case 'no-route':
      return (
        <div data-testid="path-verdict" className="space-y-1 text-sm">
          {replyNote}
          {/* The simulator's `why` reads after "has": "no default route", "no network namespace (…)". */}
          <p>
            <span className="font-semibold">It goes nowhere: </span>
            {o.namespaceId !== null ? namespaceLabel(s, o.namespaceId) : 'the source'} has{' '}
            {o.why ?? (
              <>
                no route to <Mono>{o.destination}</Mono>
              </>
            )}
            .
          </p>
        </div>
      );
    case 'uncertain':
      return (
        <div data-testid="path-verdict" className="space-y-1 rounded border border-orange-300 bg-orange-50/60 p-2 text-sm dark:border-orange-800 dark:bg-orange-950/30">
          {replyNote}
          {o.cause === 'rule' ? (
            <>
              <p>
                <span className="font-semibold">Cannot tell: </span>it depends on{' '}
                <span data-testid="path-deciding-rule" className="font-semibold">{ruleWhere(o.table, o.chain, o.index)}</span> in {namespaceLabel(s, o.namespaceId)},
                which the simulator cannot evaluate.
              </p>
              <code className="block font-mono text-xs break-all whitespace-pre-wrap">{o.rule}</code>
            </>
          ) : (
            <p>
              <span className="font-semibold">Cannot tell</span> in {namespaceLabel(s, o.namespaceId)} ({UNCERTAIN_LABELS[o.cause]}).
            </p>
          )}
          <p data-testid="path-uncertain-why">
            <span className="font-semibold">Why: </span>
            {o.why}
          </p>
          {open}
        </div>
      );
  }
}

/** A path's steps in order, as the Paths tab lists them; with `onFocusRule`, a rule step opens its rule there. */
export function PathSteps({ s, steps, onFocusRule }: { s: Snapshot; steps: Step[]; onFocusRule?: (f: FocusRule) => void }) {
  return steps.map((step, i) => <StepItem key={i} s={s} n={i + 1} step={step} onFocusRule={onFocusRule} />);
}

function StepItem({ s, n, step, onFocusRule }: { s: Snapshot; n: number; step: Step; onFocusRule?: (f: FocusRule) => void }) {
  const head = (
    <span className={`${chip} ${step.type === 'rule' ? VERDICT_TONES[step.verdict] : 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300'}`}>
      {STEP_NAMES[step.type]}
    </span>
  );
  const number = <span className="w-5 shrink-0 text-right text-[10px] text-slate-400 tabular-nums dark:text-slate-500">{n}.</span>;
  const base = 'flex gap-2 rounded px-1 py-1 text-sm';

  if (step.type === 'rule') {
    const dimmed = step.verdict === 'no-match' ? 'opacity-70' : '';
    const body = (
      <>
        {number}
        <span className="min-w-0 flex-1 space-y-0.5">
          <span className="flex flex-wrap items-center gap-x-1.5 gap-y-0.5">
            {head}
            <span className="font-mono text-xs">
              {step.family === 'ipv6' ? 'ip6 ' : ''}
              {step.hook} · {step.table}/{step.chain} · {step.index === null ? 'policy' : `#${step.index + 1}`}
            </span>
            <span data-testid="path-step-verdict" className={`rounded px-1.5 text-[11px] ${VERDICT_TONES[step.verdict]}`}>
              {VERDICT_LABELS[step.verdict]}
            </span>
            {step.effect && <span className="text-xs font-semibold">⇒ {step.effect}</span>}
            <span className="text-[10px] text-slate-500 dark:text-slate-400">in {namespaceLabel(s, step.namespaceId)}</span>
          </span>
          <code className="block font-mono text-[11px] leading-tight break-all whitespace-pre-wrap text-slate-600 dark:text-slate-400">{step.text}</code>
          {step.explanation && <span className="block text-xs leading-snug">{step.explanation}</span>}
        </span>
      </>
    );
    return (
      <li data-testid="path-step" data-step-type="rule" data-verdict={step.verdict}>
        {onFocusRule ? (
          <button
            type="button"
            onClick={() => onFocusRule(focusForStep(step))}
            title="Show this rule in the Firewall tab"
            className={`${base} w-full border border-transparent text-left hover:border-sky-300 hover:bg-sky-50 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:hover:border-sky-700 dark:hover:bg-sky-950/40 ${dimmed}`}
          >
            {body}
          </button>
        ) : (
          <div className={`${base} ${dimmed}`}>{body}</div>
        )}
      </li>
    );
  }

  return (
    <li data-testid="path-step" data-step-type={step.type} className={base}>
      {number}
      <span className="min-w-0 flex-1 space-x-1.5">
        {head}
        <StepText s={s} step={step} />
      </span>
    </li>
  );
}

function StepText({ s, step }: { s: Snapshot; step: Exclude<Step, { type: 'rule' }> }) {
  const ns = (id: string) => namespaceLabel(s, id);
  switch (step.type) {
    case 'route':
      return (
        <span>
          Routing in {ns(step.namespaceId)}: {step.decision}
          {step.via && (
            <>
              {' '}
              via <Mono>{step.via}</Mono>
            </>
          )}
          {step.dev && (
            <>
              {' '}
              out of <Mono>{step.dev}</Mono>
            </>
          )}
          {step.src && (
            <>
              {' '}
              from <Mono>{step.src}</Mono>
            </>
          )}
        </span>
      );
    case 'hop':
      return (
        <span>
          <Mono>{step.from.iface}</Mono> ({ns(step.from.namespaceId)}) → <Mono>{step.to.iface}</Mono> ({ns(step.to.namespaceId)}){step.what ? `: ${step.what}` : ''}
        </span>
      );
    case 'bridge':
      return (
        <span>
          Bridge <Mono>{step.bridge}</Mono>: <Mono>{step.from}</Mono> → {step.to ? <Mono>{step.to}</Mono> : 'the host (routed)'}
          {step.nfCalled ? ' · iptables sees the bridged frame' : ''}
          {step.what ? ` · ${step.what}` : ''}
        </span>
      );
    case 'nat':
      return (
        <span>
          <span className="font-semibold">{step.kind.toUpperCase()}</span> <Mono>{hostPort(step.before.ip, step.before.port)}</Mono> → <Mono>{hostPort(step.after.ip, step.after.port)}</Mono>
          {step.by ? <span className="text-xs text-slate-500 dark:text-slate-400"> (by {step.by})</span> : null}
        </span>
      );
    case 'proxy':
      return (
        <span>
          docker-proxy{step.pid !== null ? ` (pid ${step.pid})` : ''} listening on <Mono>{step.listen}</Mono> opens its own connection to <Mono>{step.connectsTo}</Mono>
          {step.what ? `: ${step.what}` : ''}
        </span>
      );
    case 'deliver':
      return (
        <span>
          Delivered to <span className="font-semibold">{receiverLabel(s, step.namespaceId, step.containerIds)}</span>
          {step.what ? `: ${step.what}` : ''}
        </span>
      );
    case 'note':
      return <span className="text-slate-700 italic dark:text-slate-300">{step.text}</span>;
  }
}

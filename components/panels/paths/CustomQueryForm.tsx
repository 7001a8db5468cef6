'use client';

import { useId, useMemo, useState, type FormEvent } from 'react';
import type { Snapshot } from '@/lib/snapshot/schema';
import type { Protocol, TraceQuery } from '@/lib/sim/types';
import { PROTOCOLS, protocolSuffix, type QueryErrors } from '@/lib/sim/query';
import { formQuery, type Field } from './custom';
import { DOC_TARGET, INTERNET_IP, OUTSIDE_IPV4, uplinkOf } from './presets';

export interface CustomQueryFormProps {
  snapshot: Snapshot;
  /** What "from" starts as (the selected container's name), empty for none. */
  defaultFrom: string;
  onRun: (q: TraceQuery) => void;
}

const input =
  'w-full rounded border bg-white px-2 py-1 font-mono text-sm focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:bg-slate-950';
const okBorder = 'border-slate-300 dark:border-slate-600';
const badBorder = 'border-red-500 dark:border-red-400';

/** From / to / port / protocol, checked against the snapshot before anything is traced. */
export function CustomQueryForm({ snapshot, defaultFrom, onRun }: CustomQueryFormProps) {
  const [from, setFrom] = useState(defaultFrom);
  const [to, setTo] = useState('');
  const [port, setPort] = useState('');
  const [protocol, setProtocol] = useState<Protocol>('tcp');
  const [errors, setErrors] = useState<QueryErrors>({});
  const base = useId();
  const id = (f: Field | 'from-list' | 'to-list') => `${base}-${f}`;

  const suggestions = useMemo(() => {
    const running = (snapshot.docker?.containers ?? []).filter((c) => c.state === 'running');
    const up = uplinkOf(snapshot);
    const named = snapshot.namespaces.filter((n) => n.kind === 'named' && n.name).map((n) => n.name!);
    const ips = running.flatMap((c) => c.endpoints.flatMap((e) => [e.ipv4, e.ipv6].filter((x): x is string => !!x)));
    return {
      from: [...new Set(['host', ...running.map((c) => c.name), ...named, ...(up ? [`${OUTSIDE_IPV4}@${up.name}`] : [])])],
      to: [...new Set([...running.map((c) => c.name), ...ips, ...(up?.ipv4 ? [up.ipv4] : []), '127.0.0.1', INTERNET_IP])],
    };
  }, [snapshot]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = formQuery(snapshot, { from, to, port, protocol });
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    onRun(r.query);
  };

  // A destination typed as `…/udp` sets the protocol, so the two never disagree by accident.
  const changeTo = (v: string) => {
    setTo(v);
    const p = protocolSuffix(v);
    if (p) setProtocol(p);
  };

  const error = (f: Field) =>
    errors[f] ? (
      <p id={id(f)} data-testid={`path-error-${f}`} className="text-xs text-red-700 dark:text-red-400">
        {errors[f]}
      </p>
    ) : null;
  const aria = (f: Field) => ({ 'aria-invalid': errors[f] ? true : undefined, 'aria-describedby': errors[f] ? id(f) : undefined });

  return (
    <form data-testid="path-form" onSubmit={submit} noValidate className="space-y-2" aria-label="Trace a packet">
      <div className="space-y-0.5">
        <label htmlFor={`${base}-from-input`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
          From <span className="font-normal text-slate-500 dark:text-slate-400">(container, host, IP or IP@interface)</span>
        </label>
        <input
          id={`${base}-from-input`}
          data-testid="path-from"
          list={id('from-list')}
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          placeholder={`a container's name, host, ${OUTSIDE_IPV4}@eth0`}
          autoComplete="off"
          spellCheck={false}
          maxLength={200}
          className={`${input} ${errors.from ? badBorder : okBorder}`}
          {...aria('from')}
        />
        <datalist id={id('from-list')}>
          {suggestions.from.map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
        {error('from')}
      </div>
      <div className="space-y-0.5">
        <label htmlFor={`${base}-to-input`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
          To <span className="font-normal text-slate-500 dark:text-slate-400">(container or IP, optionally :port/protocol)</span>
        </label>
        <input
          id={`${base}-to-input`}
          data-testid="path-to"
          list={id('to-list')}
          value={to}
          onChange={(e) => changeTo(e.target.value)}
          placeholder={`a container's name, ${DOC_TARGET}:80/tcp`}
          autoComplete="off"
          spellCheck={false}
          maxLength={200}
          className={`${input} ${errors.to ? badBorder : okBorder}`}
          {...aria('to')}
        />
        <datalist id={id('to-list')}>
          {suggestions.to.map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
        {error('to')}
      </div>
      <div className="flex flex-wrap items-start gap-3">
        <div className="w-28 space-y-0.5">
          <label htmlFor={`${base}-port-input`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
            Port
          </label>
          <input
            id={`${base}-port-input`}
            data-testid="path-port"
            inputMode="numeric"
            value={port}
            onChange={(e) => setPort(e.target.value)}
            placeholder={protocol === 'icmp' ? '—' : '80'}
            autoComplete="off"
            maxLength={8}
            className={`${input} ${errors.port ? badBorder : okBorder}`}
            {...aria('port')}
          />
        </div>
        <div className="space-y-0.5">
          <label htmlFor={`${base}-protocol-input`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
            Protocol
          </label>
          <select
            id={`${base}-protocol-input`}
            data-testid="path-protocol"
            value={protocol}
            onChange={(e) => setProtocol(e.target.value as Protocol)}
            className={`${input} ${errors.protocol ? badBorder : okBorder}`}
            {...aria('protocol')}
          >
            {PROTOCOLS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        <button
          type="submit"
          data-testid="path-run"
          className="mt-5 rounded bg-slate-800 px-3 py-1 text-sm text-white hover:bg-slate-700 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:bg-slate-200 dark:text-slate-900 dark:hover:bg-slate-300"
        >
          Trace
        </button>
      </div>
      {error('port')}
      {error('protocol')}
    </form>
  );
}

'use client';

import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Graph } from '@/lib/topology/types';
import { searchNodes } from './search';

export interface SearchBoxProps {
  graph: Graph;
  onSelect: (id: string) => void;
  /** The ids currently listed, so the graph can highlight them while the user types. */
  onMatches?: (ids: string[]) => void;
}

/** A combobox over node search tokens (names, IPs, MACs, ports); Enter picks the active (first) result. */
export function SearchBox({ graph, onSelect, onMatches }: SearchBoxProps) {
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listId = useId();
  const results = useMemo(() => searchNodes(graph, query), [graph, query]);
  // "eth0" alone says little: results inside a namespace box name the box too.
  const labels = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n.label])), [graph]);
  const shown = open && query.trim() !== '';

  // Read through a ref so an inline callback from the parent cannot make this effect (and its setState) loop.
  const onMatchesRef = useRef(onMatches);
  useEffect(() => {
    onMatchesRef.current = onMatches;
  });
  useEffect(() => {
    onMatchesRef.current?.(shown ? results.map((n) => n.id) : []);
  }, [results, shown]);

  const pick = (i: number) => {
    const n = results[i];
    if (!n) return;
    onSelect(n.id);
    setOpen(false);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(true);
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((a) => (results.length ? (a + step + results.length) % results.length : 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      pick(Math.min(active, results.length - 1));
    } else if (e.key === 'Escape') {
      if (shown) setOpen(false);
      else setQuery('');
    }
  };

  return (
    <div className="relative w-72" data-testid="search">
      <input
        type="search"
        aria-label="Search"
        role="combobox"
        aria-expanded={shown}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={shown && results[active] ? `${listId}-${active}` : undefined}
        placeholder="Search name, IP, MAC, port…"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
        className="w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm placeholder:text-slate-400 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:border-slate-600 dark:bg-slate-900"
      />
      {shown && (
        <ul
          id={listId}
          role="listbox"
          aria-label="Search results"
          className="absolute z-30 mt-1 max-h-80 w-full overflow-auto rounded-md border border-slate-300 bg-white py-1 text-sm shadow-lg dark:border-slate-600 dark:bg-slate-900"
        >
          {results.length === 0 && <li className="px-3 py-1.5 text-slate-500 italic dark:text-slate-400">No match</li>}
          {results.map((n, i) => (
            <li
              key={n.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              // mousedown, not click: the input's blur would close the list before a click lands.
              onMouseDown={(e) => {
                e.preventDefault();
                pick(i);
              }}
              onMouseEnter={() => setActive(i)}
              className={`flex cursor-pointer items-baseline gap-2 px-3 py-1 ${i === active ? 'bg-sky-100 dark:bg-sky-900' : ''}`}
            >
              <span className="w-16 shrink-0 text-xs text-slate-500 dark:text-slate-400">{n.kind}</span>
              <span className="min-w-0 truncate">
                <span className="font-mono">{n.label}</span>
                {n.parent && labels.has(n.parent) && <span className="text-slate-500 dark:text-slate-400"> in {labels.get(n.parent)}</span>}
                {n.detail && <span className="block truncate text-xs text-slate-500 dark:text-slate-400">{n.detail}</span>}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

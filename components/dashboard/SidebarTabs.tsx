'use client';

import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface SidebarTab<T extends string> {
  id: T;
  label: string;
}

export interface SidebarTabsProps<T extends string> {
  tabs: SidebarTab<T>[];
  value: T;
  onChange: (id: T) => void;
  /** The active tab's panel (only it is rendered). */
  children: ReactNode;
}

/**
 * WAI-ARIA tabs with automatic activation: Tab reaches the active tab, ←/→ (and Home/End) move between tabs
 * and activate them, Tab again moves into the panel.
 */
export function SidebarTabs<T extends string>({ tabs, value, onChange, children }: SidebarTabsProps<T>) {
  const base = useId();
  const refs = useRef(new Map<T, HTMLButtonElement>());
  const tabId = (id: T) => `${base}-tab-${id}`;
  const panelId = `${base}-panel`;

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = tabs.findIndex((t) => t.id === value);
    let next: number | null = null;
    if (e.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next === null) return;
    e.preventDefault();
    const id = tabs[next].id;
    onChange(id);
    refs.current.get(id)?.focus();
  };

  return (
    <>
      <div role="tablist" aria-label="Sidebar" onKeyDown={onKeyDown} className="sticky top-0 z-10 flex gap-1 border-b border-slate-300 bg-white px-2 pt-2 dark:border-slate-700 dark:bg-slate-900">
        {tabs.map((t) => {
          const selected = t.id === value;
          return (
            <button
              key={t.id}
              ref={(el) => {
                if (el) refs.current.set(t.id, el);
                else refs.current.delete(t.id);
              }}
              type="button"
              role="tab"
              id={tabId(t.id)}
              aria-selected={selected}
              aria-controls={panelId}
              tabIndex={selected ? 0 : -1}
              onClick={() => onChange(t.id)}
              data-testid={`tab-${t.id}`}
              className={`-mb-px rounded-t border px-3 py-1 text-sm focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none ${
                selected
                  ? 'border-slate-300 border-b-white bg-white font-semibold dark:border-slate-700 dark:border-b-slate-900 dark:bg-slate-900'
                  : 'border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100'
              }`}
            >
              {t.label}
            </button>
          );
        })}
      </div>
      <div role="tabpanel" id={panelId} aria-labelledby={tabId(value)}>
        {children}
      </div>
    </>
  );
}

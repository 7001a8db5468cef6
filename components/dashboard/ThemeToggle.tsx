'use client';

import { useEffect, useState } from 'react';
import { applyTheme, THEME_KEY } from './theme';

function storedTheme(): boolean | null {
  try {
    const t = localStorage.getItem(THEME_KEY);
    return t === 'dark' ? true : t === 'light' ? false : null;
  } catch {
    return null; // storage can be disabled
  }
}

/** Light/dark switch: the `dark` class on <html>, remembered in localStorage. */
export function ThemeToggle() {
  // Unknown until mounted: the server cannot know the choice, and guessing would mismatch on hydration.
  const [dark, setDark] = useState<boolean | null>(null);

  useEffect(() => {
    const d = storedTheme() ?? (document.documentElement.classList.contains('dark') || window.matchMedia('(prefers-color-scheme: dark)').matches);
    applyTheme(d);
    setDark(d);
  }, []);

  const toggle = () => {
    const d = !dark;
    applyTheme(d);
    setDark(d);
    try {
      localStorage.setItem(THEME_KEY, d ? 'dark' : 'light');
    } catch {
      // not remembered, still applied
    }
  };

  return (
    <button
      type="button"
      onClick={toggle}
      aria-pressed={dark ?? false}
      aria-label="Dark theme"
      title={dark ? 'Switch to light theme' : 'Switch to dark theme'}
      className="rounded-md border border-slate-300 px-2.5 py-1 text-sm hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none dark:border-slate-600 dark:hover:bg-slate-800"
      data-testid="theme-toggle"
    >
      <span aria-hidden="true">{dark ? '☾' : '☀'}</span> {dark ? 'Dark' : 'Light'}
    </button>
  );
}

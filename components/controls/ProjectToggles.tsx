'use client';

import type { Project } from '@/lib/topology/projects';

/** One toggle per group (a compose project, or a network's containers of no project): one node, or box by box. */
export function ProjectToggles({ projects, expanded, onToggle }: { projects: Project[]; expanded: ReadonlySet<string>; onToggle: (name: string) => void }) {
  return (
    <div role="group" aria-label="Compose projects and groups" className="flex flex-wrap items-center gap-1 text-xs" data-testid="projects">
      <span className="text-slate-500 dark:text-slate-400">{projects.some((p) => p.network) ? 'Groups:' : 'Projects:'}</span>
      {projects.map((p) => {
        const open = expanded.has(p.name);
        return (
          <button
            key={p.name}
            type="button"
            aria-pressed={open}
            title={open ? `Fold ${p.name} into one node` : `Draw the ${p.containerIds.length} containers of ${p.name}`}
            onClick={() => onToggle(p.name)}
            className="rounded border border-slate-300 px-1.5 py-0.5 hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none aria-pressed:bg-indigo-50 dark:border-slate-600 dark:hover:bg-slate-800 dark:aria-pressed:bg-indigo-950"
          >
            {open ? '▾' : '▸'} {p.name} ({p.containerIds.length})
          </button>
        );
      })}
    </div>
  );
}

/** 'file': a saved snapshot (an opened file or the offline page), frozen. */
export type LiveStatus = 'live' | 'reconnecting' | 'docker-unreachable' | 'connecting' | 'file';

const TEXT: Record<LiveStatus, string> = {
  live: 'live',
  reconnecting: 'reconnecting',
  'docker-unreachable': 'Docker unreachable',
  connecting: 'connecting',
  file: 'saved snapshot',
};

const COLOURS: Record<LiveStatus, string> = {
  live: 'bg-emerald-100 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-900/50 dark:text-emerald-200',
  reconnecting: 'bg-amber-100 text-amber-800 ring-amber-600/30 dark:bg-amber-900/50 dark:text-amber-200',
  'docker-unreachable': 'bg-red-100 text-red-800 ring-red-600/30 dark:bg-red-900/50 dark:text-red-200',
  connecting: 'bg-slate-200 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-200',
  file: 'bg-sky-100 text-sky-800 ring-sky-600/30 dark:bg-sky-900/50 dark:text-sky-200',
};

export function StatusBadge({ status }: { status: LiveStatus }) {
  return (
    <span role="status" className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${COLOURS[status]}`}>
      <span aria-hidden="true" className={`size-1.5 rounded-full bg-current ${status === 'live' ? 'motion-safe:animate-pulse' : ''}`} />
      <span data-testid="status">{TEXT[status]}</span>
    </span>
  );
}

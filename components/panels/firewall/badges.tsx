import type { RuleOrigin, RuleRole } from '@/lib/netfilter/explain-types';

type Tone = 'docker' | 'nat' | 'drop' | 'kube' | 'system' | 'user' | 'neutral' | 'unknown';

const TONES: Record<Tone, string> = {
  docker: 'bg-sky-100 text-sky-800 ring-sky-600/20 dark:bg-sky-900/50 dark:text-sky-200',
  nat: 'bg-violet-100 text-violet-800 ring-violet-600/20 dark:bg-violet-900/50 dark:text-violet-200',
  drop: 'bg-red-100 text-red-800 ring-red-600/20 dark:bg-red-900/50 dark:text-red-200',
  system: 'bg-teal-100 text-teal-800 ring-teal-600/20 dark:bg-teal-900/50 dark:text-teal-200',
  kube: 'bg-indigo-100 text-indigo-800 ring-indigo-600/20 dark:bg-indigo-900/50 dark:text-indigo-200',
  user: 'bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-900/50 dark:text-amber-200',
  neutral: 'bg-slate-100 text-slate-700 ring-slate-500/20 dark:bg-slate-800 dark:text-slate-200',
  unknown: 'bg-orange-100 text-orange-900 ring-orange-600/30 dark:bg-orange-900/50 dark:text-orange-200',
};

function toneOf(role: RuleRole): Tone {
  switch (role) {
    case 'published-port-dnat':
    case 'masquerade':
    case 'hairpin-masquerade':
    case 'masquerade-skip':
    case 'docker-nat-jump':
    case 'docker-nat-return':
    case 'embedded-dns':
      return 'nat';
    case 'icc-drop':
    case 'isolation-stage-2':
    case 'unpublished-port-drop':
    case 'direct-access-drop':
    case 'internal-network':
    case 'remote-loopback-drop':
      return 'drop';
    case 'kube-proxy':
      return 'kube';
    case 'system':
      return 'system';
    case 'user':
      return 'user';
    case 'chain-policy':
      return 'neutral';
    case 'unexplained':
      return 'unknown';
    default:
      return 'docker';
  }
}

export const roleLabel = (role: string) => role.replace(/-/g, ' ');

export function RoleBadge({ role }: { role: RuleRole }) {
  return (
    <span className={`inline-flex shrink-0 items-center rounded px-1.5 py-px text-[10px] leading-4 font-medium whitespace-nowrap ring-1 ring-inset ${TONES[toneOf(role)]}`}>
      {roleLabel(role)}
    </span>
  );
}

export function OriginLabel({ origin }: { origin: RuleOrigin }) {
  return <span className="shrink-0 text-[10px] text-slate-500 dark:text-slate-400">by {origin}</span>;
}

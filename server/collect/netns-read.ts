import { randomBytes } from 'node:crypto';
import { run } from './exec';

/**
 * Reads one network namespace with a single process tree: `nsenter --net=PATH sh -c SCRIPT` (or plain `sh` for the
 * host's). Starting processes dominates the cost, so every section is one `ip`/`iptables-save`/`nft` call inside one
 * shell, and the sections come back on stdout between nonce markers.
 */
export type Section = 'link' | 'addr' | 'route4' | 'route6' | 'ipt4' | 'ipt6' | 'nft';

export const NETLINK_SECTIONS: Section[] = ['link', 'addr', 'route4', 'route6'];
export const NETFILTER_SECTIONS: Section[] = ['ipt4', 'ipt6', 'nft'];

const COMMANDS: Record<Section, string> = {
  link: 'ip -j -d link show',
  addr: 'ip -j addr show',
  route4: 'ip -j -4 route show table main',
  route6: 'ip -j -6 route show table main',
  ipt4: 'iptables-save -c',
  ipt6: 'ip6tables-save -c',
  nft: 'nft -j list ruleset',
};

export interface SectionResult {
  stdout: string;
  /** Exit status of the section's command; 127 when the tool is missing. */
  code: number;
}

export interface NamespaceRead {
  sections: Partial<Record<Section, SectionResult>>;
  /** Set when the namespace could not be entered at all (vanished, no permission, nsenter missing). */
  error: string | null;
  stderr: string;
}

export function buildScript(sections: Section[], marker: string): string {
  return sections
    .map((s) => {
      const tool = COMMANDS[s].split(' ')[0];
      return `echo '${marker} begin ${s}'; if command -v ${tool} >/dev/null 2>&1; then ${COMMANDS[s]}; rc=$?; else rc=127; fi; echo; echo "${marker} end ${s} $rc"`;
    })
    .join('\n');
}

export function parseSections(stdout: string, marker: string): Partial<Record<Section, SectionResult>> {
  const out: Partial<Record<Section, SectionResult>> = {};
  const re = new RegExp(`^${marker} begin (\\w+)\\n([\\s\\S]*?)\\n?\\n${marker} end \\1 (\\d+)$`, 'gm');
  for (const m of stdout.matchAll(re)) out[m[1] as Section] = { stdout: m[2], code: Number(m[3]) };
  return out;
}

/** `path` null reads the namespace this process runs in (the host's). */
export async function readNamespace(path: string | null, sections: Section[], timeoutMs = 15_000): Promise<NamespaceRead> {
  const marker = `@@netatlas-${randomBytes(6).toString('hex')}`;
  const script = buildScript(sections, marker);
  const [cmd, args] = path === null ? ['sh', ['-c', script]] : ['nsenter', [`--net=${path}`, '--', 'sh', '-c', script]];
  try {
    const r = await run(cmd, args, { timeoutMs });
    const parsed = parseSections(r.stdout, marker);
    const missing = sections.filter((s) => !parsed[s]);
    if (missing.length === sections.length) {
      return { sections: parsed, error: (r.stderr.trim() || `exit status ${r.code}`).split('\n')[0], stderr: r.stderr };
    }
    return { sections: parsed, error: null, stderr: r.stderr };
  } catch (e) {
    return { sections: {}, error: (e as Error).message, stderr: '' };
  }
}

import { writeFile } from 'node:fs/promises';
import { collectSnapshot, assertValid } from '../collect/collector';
import { summarize } from '../../lib/snapshot/summary';

const USAGE = `usage: netatlas <command> [options]

commands:
  snapshot              print a summary of this host's network (bridges, containers, namespaces, problems)
    --json              print the whole snapshot as JSON instead
    --out FILE          write the snapshot as JSON to FILE (and print the summary)

environment: DOCKER_HOST (default unix:///var/run/docker.sock). Reading namespaces and iptables needs root.
`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(USAGE);
    return cmd ? 0 : 2;
  }
  if (cmd !== 'snapshot') {
    process.stderr.write(`netatlas: unknown command '${cmd}'\n\n${USAGE}`);
    return 2;
  }
  let json = false;
  let out: string | null = null;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--json') json = true;
    else if (rest[i] === '--out' && rest[i + 1]) out = rest[++i];
    else {
      process.stderr.write(`netatlas snapshot: unknown option '${rest[i]}'\n\n${USAGE}`);
      return 2;
    }
  }
  const snapshot = assertValid(await collectSnapshot());
  const text = JSON.stringify(snapshot, null, 2) + '\n';
  if (out) await writeFile(out, text);
  process.stdout.write(json ? text : summarize(snapshot));
  return 0;
}

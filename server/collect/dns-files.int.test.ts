import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseResolvConf } from '../../lib/dns/files';
import type { Snapshot } from '../../lib/snapshot/schema';
import { collectSnapshot } from './collector';
import { readContainerFile } from './dns-files';

// Container DNS in the snapshot against the files Docker keeps (read here with plain fs, by the paths docker inspect
// gives), and the file reader against hostile files: symlinks, FIFOs, oversized files.

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' }).trim();
let snap: Snapshot;

beforeAll(async () => {
  snap = await collectSnapshot();
}, 120_000);

describe('container DNS', () => {
  it('nameservers, search and options match each lab container’s resolv.conf', () => {
    for (const name of ['lab-web', 'lab-api', 'lab-db', 'lab-mv1']) {
      const truth = parseResolvConf(readFileSync(sh('docker', ['inspect', '-f', '{{.ResolvConfPath}}', name]), 'utf8'));
      const c = snap.docker!.containers.find((x) => x.name === name)!;
      expect(c.dns, name).toMatchObject({ nameservers: truth.nameservers, search: truth.search, options: truth.options, problems: [] });
    }
    // User-defined networks use the embedded DNS; the default bridge does not.
    expect(snap.docker!.containers.find((x) => x.name === 'lab-api')!.dns!.nameservers).toEqual(['127.0.0.11']);
    expect(snap.docker!.containers.find((x) => x.name === 'lab-web')!.dns!.nameservers).not.toContain('127.0.0.11');
  });

  it('a container’s own hosts line is not an extra entry', () => {
    const web = snap.docker!.containers.find((x) => x.name === 'lab-web')!;
    const own = readFileSync(sh('docker', ['inspect', '-f', '{{.HostsPath}}', 'lab-web']), 'utf8');
    expect(own).toContain(web.endpoints[0].ipv4!);
    expect(web.dns!.extraHosts.filter((h) => h.address === web.endpoints[0].ipv4)).toEqual([]);
  });
});

describe('readContainerFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'netatlas-dnsfiles-'));
    writeFileSync(join(dir, 'resolv.conf'), 'nameserver 10.0.0.1\n');
    symlinkSync('/etc/shadow', join(dir, 'link'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    writeFileSync(join(dir, 'big'), 'x'.repeat(70 * 1024));
  });

  it('reads a regular file; refuses symlinks, FIFOs (without blocking), big files and /proc paths', async () => {
    expect(await readContainerFile(join(dir, 'resolv.conf'))).toEqual({ text: 'nameserver 10.0.0.1\n' });
    expect(await readContainerFile(join(dir, 'link'))).toEqual({ error: `${join(dir, 'link')} is a symbolic link: not followed` });
    expect(await readContainerFile(join(dir, 'fifo'))).toEqual({ error: `${join(dir, 'fifo')} is not a regular file` });
    expect(await readContainerFile(join(dir, 'big'))).toMatchObject({ error: expect.stringMatching(/more than the 65536 read/) });
    expect(await readContainerFile('/proc/1/root/etc/resolv.conf')).toMatchObject({ error: expect.stringMatching(/^refusing the path/) });
    expect(await readContainerFile(join(dir, 'missing'))).toMatchObject({ error: expect.stringMatching(/does not exist/) });
  });
});

import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileText } from '../../lib/dns/files';

/**
 * Reads the host-side resolv.conf and hosts files Docker keeps for a container (`ResolvConfPath`, `HostsPath`,
 * under Docker's data root). Never through /proc/<pid>/root: a container's root can plant symlinks that would
 * resolve on the host. The container can write these files' contents, so: no symlink as the last component
 * (O_NOFOLLOW), a regular file only (O_NONBLOCK so a planted FIFO cannot block the open), and at most MAX_BYTES.
 */

const MAX_BYTES = 64 * 1024;

export async function readContainerFile(path: string | undefined): Promise<FileText> {
  if (!path) return { error: 'Docker gives no path for it' };
  if (!path.startsWith('/') || path.split('/').includes('..') || path.startsWith('/proc/')) return { error: `refusing the path ${JSON.stringify(path)}` };
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: code === 'ELOOP' ? `${path} is a symbolic link: not followed` : code === 'ENOENT' ? `${path} does not exist` : `cannot open ${path}: ${code ?? (e as Error).message}` };
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { error: `${path} is not a regular file` };
    if (st.size > MAX_BYTES) return { error: `${path} is ${st.size} bytes, more than the ${MAX_BYTES} read` };
    const buf = Buffer.alloc(MAX_BYTES + 1);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (bytesRead > MAX_BYTES) return { error: `${path} grew past ${MAX_BYTES} bytes while being read` };
    return { text: buf.subarray(0, bytesRead).toString('utf8') };
  } finally {
    await fh.close();
  }
}

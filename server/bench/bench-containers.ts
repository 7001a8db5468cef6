import { execFileSync, spawnSync } from 'node:child_process';

export const IMAGE = 'netatlas-lab/busybox:1';

export const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

/**
 * The busybox containers a benchmark runs against: N of them over three networks of its own inside
 * 198.18.0.0/15 (198.19.X.0/24 from `firstSubnet`), lab-labelled (so a lab sweep removes strays) plus a label
 * of the bench's own, so two benches never remove each other's. 100 or more only under `flock /work/bench.lock`.
 */
export function benchContainers(bench: string, firstSubnet: number) {
  const labels = ['netatlas.lab=1', `netatlas.bench=${bench}`];
  const nets = [0, 1, 2].map((i) => ({ name: `netatlas-bench-${bench}-${i}`, subnet: `198.19.${firstSubnet + i}.0/24` }));
  return { ensure: (n: number) => ensureContainers(labels, nets, n), removeAll: () => removeAll(labels, nets) };
}

type Net = { name: string; subnet: string };

/** Exactly `n` bench containers running (created or removed as needed). */
function ensureContainers(labels: string[], nets: Net[], n: number) {
  for (const net of nets) {
    if (spawnSync('docker', ['network', 'inspect', net.name]).status !== 0) {
      docker('network', 'create', ...labels.flatMap((l) => ['--label', l]), '--subnet', net.subnet, net.name);
    }
  }
  const labelArgs = labels.map((l) => `--label ${l}`).join(' ');
  const ids = docker('ps', '-aq', '--filter', `label=${labels[1]}`).split('\n').filter(Boolean);
  if (ids.length > n) execFileSync('sh', ['-c', 'xargs -n 50 docker rm -f >/dev/null'], { input: ids.slice(n).join('\n') });
  const have = Math.min(ids.length, n);
  const missing = Array.from({ length: Math.max(0, n - have) }, (_, i) => have + i);
  // Four docker CLIs at a time: dockerd serialises much of the work anyway.
  execFileSync('sh', ['-c', `xargs -P 4 -I{} sh -c 'docker run -d ${labelArgs} --network ${nets[0].name.slice(0, -1)}$(({} % 3)) ${IMAGE} >/dev/null'`], {
    input: missing.join('\n'),
  });
}

/** Every bench container and network gone. */
function removeAll(labels: string[], nets: Net[]) {
  const ids = docker('ps', '-aq', '--filter', `label=${labels[1]}`).split('\n').filter(Boolean);
  if (ids.length) execFileSync('sh', ['-c', 'xargs -n 50 docker rm -f >/dev/null'], { input: ids.join('\n') });
  for (const net of nets) spawnSync('docker', ['network', 'rm', net.name]);
}

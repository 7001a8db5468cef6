import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * util-linux's setpriv: `setpriv --pdeathsig KILL -- CMD` sets the parent-death signal and execs CMD (same pid),
 * so a long-lived child dies with us even when we are SIGKILLed and cannot clean up. The signal follows the death
 * of the parent *thread*; Node spawns from its main thread, which lives as long as the process.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? null;

/** A child that lives as long as we do (a watcher, a worker shell, a reader). */
export interface LongLivedChild {
  child: ChildProcess;
  /** Resolves once the process has exited and its pipes are closed (or it never started). */
  gone: Promise<void>;
  /** Close its stdin, SIGTERM it, SIGKILL it after `graceMs`; resolves when it is gone. */
  end(graceMs?: number): Promise<void>;
}

/**
 * Spawns a long-lived child tied to this process. `tiesItself`: the program sets its own parent-death signal
 * (the native reader), so setpriv's extra exec is saved. Without setpriv the child is spawned as is: a clean
 * shutdown still ends it, only a SIGKILL of ours would leave it running.
 */
export function spawnLongLived(cmd: string, args: string[], opts: SpawnOptions, tiesItself = false): LongLivedChild {
  const [file, argv] = SETPRIV && !tiesItself ? [SETPRIV, ['--pdeathsig', 'KILL', '--', cmd, ...args]] : [cmd, args];
  // A program run, not a file the server bundle needs: Turbopack must not trace the project for it.
  const child = spawn(/* turbopackIgnore: true */ file, argv, opts);
  const gone = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  // A grandchild (a command a worker shell runs) may hold our pipes after the child exits: do not wait for it.
  child.once('exit', () => {
    child.stdin?.destroy();
    child.stdout?.destroy();
    child.stderr?.destroy();
  });
  const end = async (graceMs = 500) => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      child.stdin?.end();
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(kill);
    }
    await gone;
  };
  return { child, gone, end };
}

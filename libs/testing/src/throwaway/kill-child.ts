import type { ChildProcess } from 'node:child_process';

/** SIGKILL of a throwaway server's process, resolving once it has exited (at once when it is not running). */
export async function killChild(running: ChildProcess | undefined): Promise<void> {
  if (!running || running.exitCode !== null || running.signalCode !== null) return;
  const exited = new Promise((resolve) => running.once('exit', resolve));
  running.kill('SIGKILL');
  await exited;
}

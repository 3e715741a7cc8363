import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where the emulators keep their CA, keys and dev credentials; stable so dev mode trusts the same CA across restarts. */
export function emulatorFilesDir(): string {
  return path.resolve(process.env.PUSH_EMULATORS_DIR ?? path.join(process.cwd(), '.local', 'push-emulators'));
}

export async function readTextIfPresent(filePath: string): Promise<string | undefined> {
  try {
    return await readFile(filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Write then rename, so a concurrent reader never sees half a file. */
export async function writeFileAtomically(filePath: string, content: string, mode = 0o600): Promise<void> {
  await mkdir(path.dirname(filePath), { recursive: true });
  const temporaryPath = `${filePath}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporaryPath, content, { mode });
  await rename(temporaryPath, filePath);
}

const LOCK_STALE_MS = 30_000;
const LOCK_POLL_MS = 50;

/**
 * Runs `create` under a cross-process lock (an atomic mkdir) unless `load` already finds the files: parallel jest
 * workers must all end up with the same CA, not each overwrite the other's.
 */
export async function loadOrCreateUnderLock<T>(lockPath: string, load: () => Promise<T | undefined>, create: () => Promise<T>): Promise<T> {
  const existing = await load();
  if (existing !== undefined) return existing;
  await mkdir(path.dirname(lockPath), { recursive: true });
  for (;;) {
    try {
      await mkdir(lockPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      await removeStaleLock(lockPath);
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
      const loaded = await load();
      if (loaded !== undefined) return loaded;
      continue;
    }
    try {
      return (await load()) ?? (await create());
    } finally {
      await rm(lockPath, { recursive: true, force: true });
    }
  }
}

async function removeStaleLock(lockPath: string): Promise<void> {
  try {
    const { mtimeMs } = await stat(lockPath);
    if (Date.now() - mtimeMs > LOCK_STALE_MS) await rm(lockPath, { recursive: true, force: true });
  } catch {
    // The holder released it between our mkdir and stat: nothing to clean.
  }
}

import type { PushResult } from './push-provider.port';

/**
 * Settles with `timeout` at the deadline unless `send` settles first. The SDK call itself cannot be cancelled
 * (neither firebase-admin nor node-apn takes a signal); its late answer is dropped.
 */
export async function withSendDeadline(deadlineMs: number, send: () => Promise<PushResult>): Promise<PushResult> {
  const remainingMs = deadlineMs - Date.now();
  if (remainingMs <= 0) return { outcome: 'timeout' };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<PushResult>((resolve) => {
    timer = setTimeout(() => resolve({ outcome: 'timeout' }), remainingMs);
  });
  try {
    return await Promise.race([send(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

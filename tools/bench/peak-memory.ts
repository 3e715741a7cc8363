import { readFileSync } from 'node:fs';

/**
 * The kernel's high-water mark of a process's resident memory (VmHWM), in MB; null once the process is gone.
 * Read just before stopping a service, it is that process's peak over the whole run.
 */
export function peakRssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Math.round(Number(match[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

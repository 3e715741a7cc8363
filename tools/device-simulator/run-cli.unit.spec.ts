import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceProfileStore } from './device-profile.store';
import { runCli } from './run-cli';
import type { Terminal } from './terminal';

function recordingTerminal(): Terminal & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => void stdout.push(line), err: (line) => void stderr.push(line) };
}

describe('runCli exit codes', () => {
  const store = () => new DeviceProfileStore(mkdtempSync(join(tmpdir(), 'device-sim-')));

  it('prints the usage for help: 0', async () => {
    const terminal = recordingTerminal();
    expect(await runCli(['help'], terminal, store())).toBe(0);
    expect(terminal.stdout.join('\n')).toContain('Usage: npm run device -- <command>');
  });

  it('answers a command-line mistake with the usage: 2', async () => {
    const terminal = recordingTerminal();
    expect(await runCli(['approve'], terminal, store())).toBe(2);
    expect(terminal.stderr.join('\n')).toMatch(/error: approve takes <challengeId>[\s\S]*Usage:/);
  });

  it('answers a missing profile with how to pair, not the whole usage: 2', async () => {
    const terminal = recordingTerminal();
    expect(await runCli(['pending', '--profile', 'nobody'], terminal, store())).toBe(2);
    expect(terminal.stderr).toEqual([expect.stringContaining('pair first'), 'npm run device -- help lists the commands and options']);
  });

  it('answers a malformed QR code before touching the network: 2', async () => {
    const terminal = recordingTerminal();
    expect(await runCli(['pair', 'https://example.com'], terminal, store())).toBe(2);
    expect(terminal.stderr[0]).toContain('not a pairing code');
  });
});

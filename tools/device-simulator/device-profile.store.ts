import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DevicePlatform, KeyAlgorithm } from './cli-arguments';
import { UsageError } from './usage.error';

/** What the simulated phone remembers after pairing. The private key never leaves this file. */
export interface DeviceProfile {
  version: 1;
  deviceId: string;
  registryUrl: string;
  workspaceName: string | undefined;
  pairingId: string;
  algorithm: KeyAlgorithm;
  privateJwk: Record<string, unknown>;
  publicJwk: Record<string, unknown>;
  platform: DevicePlatform;
  pushProvider: 'fcm' | 'apns';
  pushToken: string;
  deviceName: string | undefined;
  pairedAt: string;
  /** The offline-code secret agreed with the challenge service after pairing (`enrol-offline-code`); absent before. */
  offlineCode?: { secret: string; digits: number; period: number; algorithm: string; enrolledAt: string };
}

/** Profiles live under the working directory, like the rest of the project's local state. */
export class DeviceProfileStore {
  constructor(private readonly directory = resolve('.local', 'device-simulator')) {}

  pathOf(profile: string): string {
    return join(this.directory, `${profile}.json`);
  }

  exists(profile: string): boolean {
    return existsSync(this.pathOf(profile));
  }

  load(profile: string): DeviceProfile {
    const path = this.pathOf(profile);
    if (!existsSync(path)) throw new UsageError(`no profile "${profile}" at ${path}: pair first (npm run device -- pair <qrUri> --profile ${profile})`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      throw new UsageError(`${path} is not valid JSON`);
    }
    const candidate = parsed as Partial<DeviceProfile>;
    if (
      candidate.version !== 1 ||
      typeof candidate.deviceId !== 'string' ||
      typeof candidate.registryUrl !== 'string' ||
      typeof candidate.privateJwk !== 'object'
    ) {
      throw new UsageError(`${path} is not a device profile this simulator wrote`);
    }
    return candidate as DeviceProfile;
  }

  save(profile: string, content: DeviceProfile): string {
    mkdirSync(this.directory, { recursive: true, mode: 0o700 });
    const path = this.pathOf(profile);
    writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    // The mode above applies only when the file is created; an overwritten profile gets it here.
    chmodSync(path, 0o600);
    return path;
  }
}

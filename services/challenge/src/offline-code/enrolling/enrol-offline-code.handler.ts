import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import {
  type AuthenticatedDevice,
  base32Encode,
  generateOfflineCodeSecret,
  OFFLINE_CODE_ALGORITHM,
  OFFLINE_CODE_DIGITS,
  OFFLINE_CODE_PERIOD_SECONDS,
  offlineCodeUri,
} from '@pushmfa/device-auth';
import { DomainError } from '@pushmfa/event-store';
import { CHALLENGE_DATABASE } from '../../challenge.di-tokens';
import { OfflineCodeSecrets } from '../offline-code-secrets';

/** What the app keeps to show offline codes; `secret` is shown this once. */
export interface OfflineCodeEnrolled {
  secret: string;
  otpauthUri: string;
  digits: number;
  period: number;
  algorithm: string;
}

/**
 * The last step of pairing: the app and the challenge service (the verifier of offline codes) agree a per-device
 * TOTP secret over the device-signed channel. It is made here, sealed at rest, answered once, and never written to an
 * event, a log or a trace. Once per device: a second enrolment is refused (offline_code_already_enrolled).
 */
@Injectable()
export class EnrolOfflineCodeHandler {
  constructor(
    @Inject(CHALLENGE_DATABASE) private readonly pool: Pool,
    private readonly offlineCodes: OfflineCodeSecrets,
  ) {}

  async execute(device: AuthenticatedDevice): Promise<OfflineCodeEnrolled> {
    const secret = generateOfflineCodeSecret();
    const stored = await this.offlineCodes.enrol(this.pool, device, secret, new Date());
    if (!stored) throw new DomainError('offline_code_already_enrolled', 'this device has its offline code already; pair it again for a new one');
    const encoded = base32Encode(secret);
    return {
      secret: encoded,
      otpauthUri: offlineCodeUri(encoded, 'pushmfa', device.userId),
      digits: OFFLINE_CODE_DIGITS,
      period: OFFLINE_CODE_PERIOD_SECONDS,
      algorithm: OFFLINE_CODE_ALGORITHM,
    };
  }
}

import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { safeText } from '@pushmfa/contracts';
import { type DevicePublicKey, importDevicePublicKey, InvalidDeviceKeyError, type RequestHeaders } from '@pushmfa/device-auth';
import { parseBody, ProblemException } from '@pushmfa/http';
import { RegisterDeviceHandler } from './register-device.handler';

const registerBody = z
  .object({
    secret: z.string().min(1).max(200),
    publicKey: z.record(z.string(), z.unknown()),
    platform: z.enum(['android', 'ios']),
    pushProvider: z.enum(['fcm', 'apns']),
    pushToken: safeText(z.string().min(1).max(4096)),
    deviceName: safeText(z.string().trim().min(1).max(200)).optional(),
    appVersion: safeText(z.string().trim().min(1).max(100)).optional(),
  })
  .strict();

interface SignedRequest {
  /** The client's address (the socket's, unless the app trusts a proxy). */
  ip: string;
  method: string;
  url: string;
  headers: RequestHeaders;
  rawBody?: Buffer;
}

@ApiTags('pairings')
@Controller('v1/pairings/:pairingId/register')
export class RegisterDeviceHttpController {
  constructor(private readonly registerDevice: RegisterDeviceHandler) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'The app registers its new public key (signed with it: proof of possession) and gets the confirmation code',
    description:
      'Unauthenticated: rate limited per client address (429 rate_limited with Retry-After), and nothing is written (no nonce, no event) before the pairing is known to exist, be open and match the secret.',
  })
  register(@Param('pairingId') pairingId: string, @Body() body: unknown, @Req() request: SignedRequest) {
    const { secret, publicKey, deviceName, appVersion, ...device } = parseBody(registerBody, body);
    return this.registerDevice.execute({
      pairingId,
      clientAddress: request.ip,
      secret,
      publicKey: importKey(publicKey),
      signedRequest: { method: request.method, pathWithQuery: request.url, headers: request.headers, rawBody: request.rawBody },
      device: { ...device, ...(deviceName ? { deviceName } : {}), ...(appVersion ? { appVersion } : {}) },
    });
  }
}

function importKey(jwk: unknown): DevicePublicKey {
  try {
    return importDevicePublicKey(jwk);
  } catch (error) {
    if (!(error instanceof InvalidDeviceKeyError)) throw error;
    throw new ProblemException('validation_failed', 'publicKey must be a public JWK: EC P-256 or OKP Ed25519', {
      errors: [{ field: `publicKey.${error.field}`, message: error.message }],
    });
  }
}

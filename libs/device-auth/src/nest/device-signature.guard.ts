import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DeviceAuthError } from '../device-auth.error';
import type { AuthenticatedDevice, RequestHeaders } from '../device-auth.ports';
import { DeviceRequestAuthenticator } from '../device-request-authenticator';

export const DEVICE_REQUEST_AUTHENTICATOR = Symbol('DEVICE_REQUEST_AUTHENTICATOR');

/** The parts of a fastify request the guard reads; rawBody is stored by the HTTP lib's content parser. */
export interface DeviceSignedRequest {
  method: string;
  url: string;
  headers: RequestHeaders;
  rawBody?: Buffer | string;
  device?: AuthenticatedDevice;
}

/**
 * Lets a request through only when it carries a valid device signature, and attaches `request.device`.
 * A refusal becomes UnauthorizedException (401 `unauthorized`, the reason kept only as its cause);
 * NonceStoreUnavailableError (code `unavailable`) passes through for the problem filter to answer 503.
 */
@Injectable()
export class DeviceSignatureGuard implements CanActivate {
  constructor(@Inject(DEVICE_REQUEST_AUTHENTICATOR) private readonly authenticator: DeviceRequestAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<DeviceSignedRequest>();
    try {
      request.device = await this.authenticator.authenticate({
        method: request.method,
        pathWithQuery: request.url,
        headers: request.headers,
        rawBody: request.rawBody,
      });
      return true;
    } catch (error) {
      if (error instanceof DeviceAuthError) throw new UnauthorizedException(error.message, { cause: error });
      throw error;
    }
  }
}

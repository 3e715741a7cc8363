import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedDevice, DeviceSignatureGuard } from '@pushmfa/device-auth';
import { EnrolOfflineCodeHandler } from './enrol-offline-code.handler';

@ApiTags('device')
@Controller('v1/device/offline-code')
@UseGuards(DeviceSignatureGuard)
export class EnrolOfflineCodeHttpController {
  constructor(private readonly enrolment: EnrolOfflineCodeHandler) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      "The app's last step of pairing, once the pairing is confirmed: agree the device's offline-code secret (TOTP, RFC 6238: SHA1, 6 digits, 30 s). Answers {secret (base32, shown this once), otpauthUri, digits, period, algorithm}. Once per device: again answers 409 offline_code_already_enrolled. Until the challenge service has learned the device is paired it answers 401 unauthorized: retry",
  })
  @ApiResponse({ status: 201, description: '{secret, otpauthUri, digits, period, algorithm}' })
  @ApiResponse({ status: 409, description: 'offline_code_already_enrolled' })
  async enrol(@Req() request: { device: AuthenticatedDevice }) {
    return this.enrolment.execute(request.device);
  }
}

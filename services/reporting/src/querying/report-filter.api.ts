import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { HEALTH_BADGES } from '../mfa-report/mfa-report.health';

/** The report filters on facts beyond user, status and time, shared by the list and the CSV export. */
export function ApiReportFactFilters(): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'fraudReported', required: false, enum: ['true', 'false'], description: 'only rows with (true) or without (false) a fraud report' }),
    ApiQuery({ name: 'deviceId', required: false, description: 'only rows that targeted or reached this device' }),
    ApiQuery({ name: 'application', required: false, description: "the sign-in context's application, exactly" }),
    ApiQuery({ name: 'ipAddress', required: false, description: "the sign-in context's IP address (IPv4 or IPv6), exactly" }),
    ApiQuery({
      name: 'poolId',
      required: false,
      description: "the user's identity pool when the request was issued (`default` for requests from before pools)",
    }),
    ApiQuery({ name: 'factor', required: false, enum: ['first', 'second'], description: 'passwordless push (first) or push after the password (second)' }),
    ApiQuery({
      name: 'health',
      required: false,
      enum: HEALTH_BADGES,
      description: "only rows with a device whose last health report shows this issue (the row's health badge)",
    }),
  );
}

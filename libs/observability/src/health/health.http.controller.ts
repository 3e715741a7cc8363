import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { HealthCheckResult, HealthIndicatorFunction } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { ReadinessRegistry } from './readiness.registry';

@ApiTags('operations')
@Controller('health')
export class HealthHttpController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  @Get('live')
  @ApiOkResponse({ description: 'The process is up' })
  async live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOkResponse({ description: 'Every dependency is usable' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down, or the service is shutting down' })
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const report = await this.readiness.evaluate();
    const indicators: HealthIndicatorFunction[] = Object.entries(report.checks).map(([name, status]) => () => {
      const session = this.indicators.check(name);
      return status === 'up' ? session.up() : session.down();
    });
    try {
      await reply.send(await this.health.check(indicators));
    } catch (error) {
      // Terminus throws the 503 with its report as the body; the probe wants that body, not a problem document.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      await reply.code(503).send(error.getResponse());
    }
  }
}

import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ReadinessRegistry } from '../health/readiness.registry';

/**
 * Once shutting down, every response says `Connection: close`. Without it a keep-alive connection that was busy
 * when the server began closing stays open until its keep-alive timeout (72 s), past the shutdown deadline.
 */
@Injectable()
export class ConnectionDrainHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as { getInstance?: () => unknown } | undefined;
    const fastify = adapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify || typeof fastify.addHook !== 'function') return;
    fastify.addHook('onSend', async (_request, reply, payload) => {
      if (this.readiness.isShuttingDown) void reply.header('connection', 'close');
      return payload;
    });
  }
}

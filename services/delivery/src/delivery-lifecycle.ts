import { Inject, Injectable } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ReadinessRegistry } from '@pushmfa/observability';
import { DeliveryRuntime } from './delivery-runtime';

export const DELIVERY_RUNTIME = Symbol('DELIVERY_RUNTIME');

/** Hooks the runtime into Nest's start-up and graceful shutdown. */
@Injectable()
export class DeliveryLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(DELIVERY_RUNTIME) private readonly runtime: DeliveryRuntime,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.runtime.registerReadiness(this.readiness);
    await this.runtime.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runtime.stopConsuming();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close();
  }
}

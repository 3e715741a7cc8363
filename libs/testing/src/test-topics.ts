import type { KafkaSecurityConfig } from '@pushmfa/service-config';
import { type EnsureTopicsResult, ensureTopics as ensureTopicsAndAcls } from '@pushmfa/messaging';
import { kafkaSecurityAs } from './kafka-credentials';

/** libs/messaging's ensureTopics (topics and service ACLs under `prefix`), as the admin user by default. */
export function ensureTopics(brokers: string | string[], prefix = '', security: KafkaSecurityConfig = kafkaSecurityAs('admin')): Promise<EnsureTopicsResult> {
  return ensureTopicsAndAcls(brokers, prefix, security);
}

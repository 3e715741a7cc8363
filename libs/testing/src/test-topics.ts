import type { KafkaSecurityConfig } from '@pushmfa/service-config';
import { type EnsureTopicsResult, ensureTopics as ensureTopicsAndAcls } from '../../../tools/create-topics';
import { kafkaSecurityAs } from './kafka-credentials';

/** tools/create-topics.ts' ensureTopics (topics and service ACLs under `prefix`), as the admin user by default. */
export function ensureTopics(brokers: string | string[], prefix = '', security: KafkaSecurityConfig = kafkaSecurityAs('admin')): Promise<EnsureTopicsResult> {
  return ensureTopicsAndAcls(brokers, prefix, security);
}

import { Injectable } from '@nestjs/common';
import { DomainError } from '@pushmfa/event-store';
import type { MfaReportDetail } from '../mfa-report/mfa-report.row';
import { MfaReportQueries } from './mfa-report.queries';

export interface ReadReport {
  workspaceId: string;
  challengeId: string;
}

/**
 * One challenge of the workspace's MFA Report with its timeline. Raises `not_found`: another workspace's challenge
 * answers exactly like one that does not exist.
 */
@Injectable()
export class ReadReportHandler {
  constructor(private readonly reports: MfaReportQueries) {}

  async execute({ workspaceId, challengeId }: ReadReport): Promise<MfaReportDetail> {
    const report = challengeId.length <= 100 ? await this.reports.find(workspaceId, challengeId) : undefined;
    if (!report) throw new DomainError('not_found', 'no such challenge in this workspace');
    return report;
  }
}

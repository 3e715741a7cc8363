import { Injectable } from '@nestjs/common';
import { DomainError } from '@pushmfa/event-store';
import { TestPushQueries } from './test-push.queries';
import type { TestPushView } from './test-push.view';

export interface ReadTestPush {
  workspaceId: string;
  testPushId: string;
}

/**
 * One of the workspace's test pushes: requested, delivered, failed (and why) or received. Raises `not_found`: another
 * workspace's test push answers exactly like one that does not exist.
 */
@Injectable()
export class ReadTestPushHandler {
  constructor(private readonly testPushes: TestPushQueries) {}

  async execute({ workspaceId, testPushId }: ReadTestPush): Promise<TestPushView> {
    const found = testPushId.length <= 100 ? await this.testPushes.find(workspaceId, testPushId) : undefined;
    if (!found) throw new DomainError('not_found', 'no such test push in this workspace');
    return found;
  }
}

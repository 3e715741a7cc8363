import { installProcessErrorGuard, type UnhandledErrorKind } from './process-error-guard';

/** The listener the guard added for `event` (called directly: emitting on jest's own process would reach jest too). */
function addedListener(event: 'uncaughtException' | 'unhandledRejection', before: unknown[]): (error: unknown) => void {
  const added = (event === 'uncaughtException' ? process.listeners('uncaughtException') : process.listeners('unhandledRejection')).filter(
    (listener) => !before.includes(listener),
  );
  expect(added).toHaveLength(1);
  return added[0] as (error: unknown) => void;
}

describe('the process error guard', () => {
  it('counts and logs an unhandled error event and an unhandled rejection instead of ending the process, until removed', () => {
    const counted: UnhandledErrorKind[] = [];
    const logged: Array<[UnhandledErrorKind, unknown]> = [];
    const exceptionsBefore = process.listeners('uncaughtException');
    const rejectionsBefore = process.listeners('unhandledRejection');
    const uninstall = installProcessErrorGuard({ get: () => undefined } as never, {
      count: (kind) => counted.push(kind),
      log: (kind, error) => logged.push([kind, error]),
    });
    const onException = addedListener('uncaughtException', exceptionsBefore);
    const onRejection = addedListener('unhandledRejection', rejectionsBefore);
    uninstall();
    expect(process.listeners('uncaughtException')).toEqual(exceptionsBefore);
    expect(process.listeners('unhandledRejection')).toEqual(rejectionsBefore);

    const lost = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const rejected = new Error('Connection terminated unexpectedly');
    onException(lost);
    onRejection(rejected);
    expect(counted).toEqual(['uncaught_exception', 'unhandled_rejection']);
    expect(logged).toEqual([
      ['uncaught_exception', lost],
      ['unhandled_rejection', rejected],
    ]);
  });
});

/**
 * How long a test waits for one service to learn what another published. Generous: on a busy machine a consumer
 * can lag seconds behind, while a healthy stack takes milliseconds, so a passing run never waits this long.
 */
export const EVENTS_ARRIVE_WITHIN_MS = 30_000;

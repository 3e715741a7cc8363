import { readFileSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AutoAnswerPlan, planAutoAnswer, readTypedAnswer } from '../auto-answer.plan';
import type { WatchCommand } from '../cli-arguments';
import { type ChallengeAnswer, DeviceChallengeApi, type PendingChallenge } from '../device-challenge.api';
import type { DeviceProfileStore } from '../device-profile.store';
import { EXIT_OK, type ExitCode } from '../exit-codes';
import { formatPendingTable } from '../pending-table';
import { ServerRefusal, ServerUnreachable } from '../signed-device.client';
import type { Terminal } from '../terminal';

/** Polls the Pending tab and answers each new request once, until Ctrl+C. */
export async function runWatch(command: WatchCommand, store: DeviceProfileStore, terminal: Terminal): Promise<ExitCode> {
  const api = new DeviceChallengeApi(store.load(command.profile), command.challengeUrl);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const prompt: Interface | undefined = command.autoApprove ? undefined : createInterface({ input: process.stdin, output: process.stdout });
  prompt?.on('SIGINT', onSignal);
  const seen = new Set<string>();
  terminal.out(`Watching for requests every ${command.pollIntervalMs} ms (Ctrl+C to stop)`);
  try {
    while (!stop.signal.aborted) {
      for (const item of await pollQuietly(api, terminal)) {
        if (seen.has(item.challengeId) || stop.signal.aborted) continue;
        seen.add(item.challengeId);
        await api.acknowledgeReceipt(item.challengeId);
        terminal.out(`\nNew sign-in request:\n${formatPendingTable([item])}`);
        const answer = prompt ? await ask(prompt, item, stop.signal) : announce(planAutoAnswer(item, readNumberFile(command.numberFromFile)), item, terminal);
        if (answer) await answerAndReport(api, item.challengeId, answer, terminal);
      }
      await sleep(command.pollIntervalMs, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  } finally {
    prompt?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return EXIT_OK;
}

/** A flaky network should not end the watch; a refusal (say, a revoked device) should. */
async function pollQuietly(api: DeviceChallengeApi, terminal: Terminal): Promise<PendingChallenge[]> {
  try {
    return await api.listPending();
  } catch (error) {
    if (error instanceof ServerUnreachable) {
      terminal.err(`${error.message}; trying again`);
      return [];
    }
    throw error;
  }
}

async function ask(prompt: Interface, item: PendingChallenge, signal: AbortSignal): Promise<ChallengeAnswer | undefined> {
  const question = item.numberChoices
    ? `Approve? pick the number the sign-in page shows, ${item.numberChoices.join(' or ')}, or n (fraud to report it): `
    : item.numberMatchRequired
      ? 'Approve? type the number or n (fraud to report it): '
      : 'Approve? y or n (fraud to report it): ';
  for (;;) {
    let typed: string;
    try {
      typed = await prompt.question(question, { signal });
    } catch {
      return undefined;
    }
    if (typed.trim() === '') return undefined;
    const answer = readTypedAnswer(typed, item);
    if (answer) return answer;
  }
}

function announce(plan: AutoAnswerPlan, item: PendingChallenge, terminal: Terminal): ChallengeAnswer | undefined {
  if (plan.kind === 'answer') return plan.answer;
  terminal.err(`Skipped ${item.challengeId}: ${plan.reason}`);
  return undefined;
}

function readNumberFile(path: string | undefined): { path: string; content: string | undefined } | undefined {
  if (path === undefined) return undefined;
  try {
    return { path, content: readFileSync(path, 'utf8') };
  } catch {
    return { path, content: undefined };
  }
}

async function answerAndReport(api: DeviceChallengeApi, challengeId: string, answer: ChallengeAnswer, terminal: Terminal): Promise<void> {
  try {
    terminal.out(`${challengeId}: ${await api.respond(challengeId, answer)}`);
  } catch (error) {
    if (!(error instanceof ServerRefusal)) throw error;
    terminal.err(`${challengeId}: refused: ${error.code}: ${error.detail}`);
  }
}

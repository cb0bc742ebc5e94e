import type { ReadinessCheck } from '../ports/remote-failure.js';

interface ReadyAnswer {
  status?: string;
  error?: { message?: string };
  remotes?: Array<{
    remote: string;
    state: string;
    consecutiveFailures: number;
    retryAt?: string;
    since?: string;
  }>;
}

/**
 * What a running service says of itself (`GET /readyz` at LIFELINE_URL): whether it is ready
 * (a full disk makes it not) and which remotes its workers back off (an open circuit, as the
 * database keeps it for every worker, so an API-only process says it too). Only
 * when LIFELINE_URL names one: `doctor` also runs before the service is started.
 */
export async function runningServiceChecks(url: string | undefined): Promise<ReadinessCheck[]> {
  if (!url) return [];
  const base = url.replace(/\/$/, '');
  let status: number;
  let answer: ReadyAnswer;
  try {
    const response = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5_000) });
    status = response.status;
    answer = (await response.json()) as ReadyAnswer;
  } catch (error) {
    return [
      {
        name: 'running service',
        ok: false,
        detail: `no answer from ${base}/readyz (${error instanceof Error ? error.message : String(error)})`,
        fix: 'start Lifeline, or point LIFELINE_URL at it',
      },
    ];
  }
  const checks: ReadinessCheck[] = [
    status === 200
      ? { name: 'running service', ok: true, detail: `${base} is ready` }
      : {
          name: 'running service',
          ok: false,
          detail: `${base} is not ready: ${answer.error?.message ?? `HTTP ${status}`}`,
          fix: 'see the reason above (a full disk: free space; the database: check DATABASE_URL)',
        },
  ];
  for (const remote of answer.remotes ?? []) {
    checks.push(
      remote.state === 'closed'
        ? { name: `circuit ${remote.remote}`, ok: true, detail: 'closed (answering)' }
        : {
            name: `circuit ${remote.remote}`,
            ok: false,
            detail: `${remote.state}${remote.since ? ` since ${remote.since}` : ''}: ${remote.consecutiveFailures} attempts in a row got no answer; its steps wait until ${remote.retryAt ?? 'the next try'}`,
            fix: `check that the ${remote.remote} server answers (its row above)`,
          },
    );
  }
  return checks;
}

import type { Decision } from './api-types.js';

const ruleNames: Record<string, string> = {
  evidence: 'Evidence',
  paid_plan: 'Paid plan',
  window: 'Emergency window',
  user_count: 'User count',
  seats: 'Seats GitLab accepts',
  repeat: 'Earlier requests',
};

/**
 * The policy's answer: the verdict in one sentence, then every rule with its own sentence, and
 * the warnings. Pass and fail are said in words and marks, not by colour alone.
 */
export function DecisionView({
  decision,
  requestLink,
  onUseUserCount,
}: {
  decision: Decision;
  requestLink?: (id: string) => string | undefined;
  /** Offered where the seat rule names the smallest count GitLab accepts. */
  onUseUserCount?: (count: number) => void;
}) {
  if (decision.needsApproval) {
    return (
      <div class="decision decision-ineligible" data-testid="decision">
        <p class="decision-verdict">
          <strong>Needs approval</strong>
          <span class="decision-summary">
            A second person (an approver, not the requester) must approve it before anything is
            issued.
          </span>
        </p>
        <ul class="rules" data-testid="guardrails">
          {decision.guardrails.map((held) => {
            const link = held.relatedRequestId ? requestLink?.(held.relatedRequestId) : undefined;
            return (
              <li key={held.code} class="rule rule-fail" data-verdict="hold">
                <span class="rule-mark" aria-hidden="true">
                  !
                </span>
                <span>
                  {held.message}
                  {link && (
                    <>
                      {' '}
                      <a href={link} target="_blank" rel="noopener">
                        Open the earlier request
                      </a>
                    </>
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      </div>
    );
  }
  return (
    <div
      class={`decision ${decision.eligible ? 'decision-eligible' : 'decision-ineligible'}`}
      data-testid="decision"
    >
      <p class="decision-verdict">
        <strong>{decision.eligible ? 'Eligible' : 'Not eligible'}</strong>
        {/* When not eligible, the summary is the failing rule's sentence, which the list below shows. */}
        {decision.eligible && (
          <span class="decision-summary">
            {sentenceCase(decision.summary.replace(/^Eligible:\s*/, ''))}
          </span>
        )}
      </p>
      <ul class="rules">
        {decision.rules.map((rule) => {
          const link = rule.relatedRequestId ? requestLink?.(rule.relatedRequestId) : undefined;
          // A rule that needed facts the evidence did not give was not judged: not a failure.
          const verdict = rule.passed ? 'pass' : rule.code === 'NOT_CHECKED' ? 'skip' : 'fail';
          return (
            <li key={rule.rule} class={`rule rule-${verdict}`} data-verdict={verdict}>
              <span class="rule-mark" aria-hidden="true">
                {{ pass: '✓', skip: '–', fail: '✕' }[verdict]}
              </span>
              <span>
                <span class="rule-name">
                  {ruleNames[rule.rule] ?? rule.rule}:{' '}
                  <span class="sr-only">
                    {{ pass: 'passed', skip: 'not checked', fail: 'failed' }[verdict]}.{' '}
                  </span>
                </span>
                {rule.message}
                {onUseUserCount && rule.suggestedUserCount !== undefined && (
                  <>
                    {' '}
                    <button
                      type="button"
                      class="link-button"
                      data-testid="use-suggested-user-count"
                      onClick={() => onUseUserCount(rule.suggestedUserCount ?? 0)}
                    >
                      Use {rule.suggestedUserCount} users
                    </button>
                  </>
                )}
                {link && (
                  <>
                    {' '}
                    <a href={link} target="_blank" rel="noopener">
                      Open the earlier request
                    </a>
                  </>
                )}
              </span>
            </li>
          );
        })}
      </ul>
      {decision.warnings.length > 0 && (
        <ul class="warnings" aria-label="Warnings">
          {decision.warnings.map((warning) => (
            <li key={warning}>
              <span aria-hidden="true">⚠ </span>
              {warning}
            </li>
          ))}
        </ul>
      )}
      <p class="fine-print">
        {decision.facts?.keyFingerprint && (
          <span data-testid="evidence-key">
            The license file was signed by {decision.facts.keyName ?? 'an unnamed key'} (
            <span class="mono">{decision.facts.keyFingerprint.slice(0, 16)}…</span>).{' '}
          </span>
        )}
        Policy {decision.policyVersion}, decided on {decision.decidedOn}.
      </p>
    </div>
  );
}

function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

import type { Decision } from './api-types.js';

const ruleNames: Record<string, string> = {
  evidence: 'Evidence',
  paid_plan: 'Paid plan',
  window: 'Emergency window',
  user_count: 'User count',
  repeat: 'Earlier requests',
};

/**
 * The policy's answer: the verdict in one sentence, then every rule with its own sentence, and
 * the warnings. Pass and fail are said in words and marks, not by colour alone.
 */
export function DecisionView({
  decision,
  requestLink,
}: {
  decision: Decision;
  requestLink?: (id: string) => string | undefined;
}) {
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
          return (
            <li key={rule.rule} class={rule.passed ? 'rule rule-pass' : 'rule rule-fail'}>
              <span class="rule-mark" aria-hidden="true">
                {rule.passed ? '✓' : '✕'}
              </span>
              <span>
                <span class="rule-name">
                  {ruleNames[rule.rule] ?? rule.rule}:{' '}
                  <span class="sr-only">{rule.passed ? 'passed' : 'failed'}. </span>
                </span>
                {rule.message}
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

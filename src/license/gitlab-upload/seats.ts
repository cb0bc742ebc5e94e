/**
 * GitLab EE's seat check at upload (`License#check_users_limit`), as
 * `shared/specs/gitlab-upload-rules.md` reads it from GitLab's source. Pure.
 *
 * N is the uploaded license's seats, P its `previous_user_count`, H the highest daily
 * billable-user count of the expired term, B today's billable users. Lifeline cannot see H:
 * it is given M, the subscription page's *Maximum users* card, which is max(H, B) and so an
 * upper bound of both. Treating H as M can only refuse a count GitLab would accept, never the
 * other way round.
 */

/** What the customer's Admin Area › Subscription page shows. */
export interface SeatEvidence {
  /** The *Maximum users* card: the highest peak since the expired license started. */
  maximumUsers: number;
  /** The *Billable users* card: the latest daily count. Unknown when not given. */
  billableUsers?: number;
}

export interface SeatCheck {
  accepted: boolean;
  /** Which users GitLab compares the seats with: billable when P applies, else the prior maximum. */
  comparedWith: 'billable_users' | 'maximum_users';
  /** The number compared with `seatsWithThreshold(seats)`. */
  required: number;
  /** GitLab's own refusal, word for word; undefined when accepted. */
  message?: string;
}

const SALES = 'https://about.gitlab.com/sales/';

/** GitLab's 10 % slack, floored and in integers: 9 seats allow 9 users, 10 allow 11. */
export function seatsWithThreshold(seats: number): number {
  return Math.floor((11 * seats) / 10);
}

/** The fewest seats whose threshold reaches `users`: the inverse of seatsWithThreshold. */
export function fewestSeatsFor(users: number): number {
  return Math.max(1, Math.ceil((10 * users) / 11));
}

/**
 * The check itself. With P set and the prior maximum at most P, GitLab compares with today's
 * billable users; an unknown B is taken at its upper bound M.
 */
export function checkSeats(
  seats: number,
  previousUserCount: number | undefined,
  evidence: SeatEvidence,
): SeatCheck {
  const prior = evidence.maximumUsers;
  const threshold = seatsWithThreshold(seats);
  if (previousUserCount !== undefined && prior <= previousUserCount) {
    const billable = evidence.billableUsers ?? prior;
    return threshold >= billable
      ? { accepted: true, comparedWith: 'billable_users', required: billable }
      : {
          accepted: false,
          comparedWith: 'billable_users',
          required: billable,
          message: `This GitLab installation currently has ${billable} active users, exceeding this license's limit of ${seats} by ${billable - seats} users. Please add a license for at least ${billable} users or contact sales at ${SALES}`,
        };
  }
  return threshold >= prior
    ? { accepted: true, comparedWith: 'maximum_users', required: prior }
    : {
        accepted: false,
        comparedWith: 'maximum_users',
        required: prior,
        message: `During the year before this license started, this GitLab installation had ${prior} active users, exceeding this license's limit of ${seats} by ${prior - seats} users. Please add a license for at least ${prior} users or contact sales at ${SALES}`,
      };
}

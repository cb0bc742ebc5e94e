import type { TargetedEvent } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import type { LifelineApi } from '../shared/api.js';
import type { ConsoleSession, ConsoleUser, CreatedToken, TokenView } from '../shared/api-types.js';
import { dateTime } from '../shared/format.js';
import { PageTitle } from './page-title.js';
import { roleNames, useList } from './use-list.js';

/** Runs a change, then reloads the list; a refusal is shown in words. */
function useChange(reload: () => void, setError: (message: string | undefined) => void) {
  return async (change: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await change();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
    reload();
  };
}

function RoleSelect({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (role: string) => void;
}) {
  return (
    <select id={id} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
      {roleNames.map((role) => (
        <option key={role} value={role}>
          {role}
        </option>
      ))}
    </select>
  );
}

/** API tokens: create one (its secret shown once, here), list them, revoke one. */
export function TokensPage({ api }: { api: LifelineApi }) {
  const load = useCallback(() => api.listTokens(), [api]);
  const { items, error, reload, setError } = useList<TokenView>(load);
  const change = useChange(reload, setError);
  const [name, setName] = useState('');
  const [owner, setOwner] = useState('');
  const [role, setRole] = useState('engineer');
  const [expiresOn, setExpiresOn] = useState('');
  const [created, setCreated] = useState<CreatedToken>();

  const create = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    setCreated(undefined);
    void change(async () => {
      setCreated(
        await api.createToken({
          name,
          role,
          ...(owner.trim() && { owner }),
          // The day's start in UTC, as the list shows it: no browser time zone in between.
          ...(expiresOn && { expiresAt: `${expiresOn}T00:00:00.000Z` }),
        }),
      );
      setName('');
      setOwner('');
      setExpiresOn('');
    });
  };

  return (
    <>
      <PageTitle>API tokens</PageTitle>
      <form class="filters" onSubmit={create} aria-label="Create a token">
        <div class="field">
          <label for="token-name">Name (unique)</label>
          <input
            id="token-name"
            value={name}
            required
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="token-owner">Owner (the person it acts as)</label>
          <input id="token-owner" value={owner} onInput={(e) => setOwner(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="token-role">Role</label>
          <RoleSelect id="token-role" value={role} onChange={setRole} />
        </div>
        <div class="field">
          <label for="token-expires">Expires on (optional, at 00:00 UTC)</label>
          <input
            id="token-expires"
            type="date"
            value={expiresOn}
            onInput={(e) => setExpiresOn(e.currentTarget.value)}
          />
        </div>
        <div class="filter-actions">
          <button type="submit" class="primary">
            Create token
          </button>
        </div>
      </form>
      {created && (
        <div class="notice" role="status" data-testid="new-token">
          <p>
            Token <strong>{created.name}</strong> for {created.owner} ({created.role}). Copy it now:
            it is shown only this once.
          </p>
          <p class="mono">{created.token}</p>
        </div>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="table-wrap">
        <table aria-label="Tokens">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Owner</th>
              <th scope="col">Role</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {items?.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>{token.owner}</td>
                <td>{token.role}</td>
                <td>{token.lastUsedAt ? dateTime(token.lastUsedAt) : 'never'}</td>
                <td>{token.expiresAt ? dateTime(token.expiresAt) : 'never'}</td>
                <td>
                  {token.revokedAt ? (
                    'revoked'
                  ) : (
                    <button
                      type="button"
                      aria-label={`Revoke ${token.name}`}
                      onClick={() => void change(() => api.revokeToken(token.id))}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Console accounts: create, change the role or password, disable. Each change ends their sessions. */
export function UsersPage({ api }: { api: LifelineApi }) {
  const load = useCallback(() => api.listUsers(), [api]);
  const { items, error, reload, setError } = useList<ConsoleUser>(load);
  const change = useChange(reload, setError);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState('engineer');

  const create = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    void change(async () => {
      await api.createUser({ username, password, role });
      setUsername('');
      setPassword('');
    });
  };

  return (
    <>
      <PageTitle>Console users</PageTitle>
      <form class="filters" onSubmit={create} aria-label="Create a user">
        <div class="field">
          <label for="user-name">Username</label>
          <input
            id="user-name"
            value={username}
            required
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="user-password">Password</label>
          <input
            id="user-password"
            type="password"
            autocomplete="new-password"
            value={password}
            required
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="user-role">Role</label>
          <RoleSelect id="user-role" value={role} onChange={setRole} />
        </div>
        <div class="filter-actions">
          <button type="submit" class="primary">
            Create user
          </button>
        </div>
      </form>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="table-wrap">
        <table aria-label="Users">
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Role</th>
              <th scope="col">Sign-in</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {items?.map((user) => (
              <tr key={user.id}>
                <td>{user.username}</td>
                <td>
                  <label class="sr-only" for={`role-${user.id}`}>
                    Role of {user.username}
                  </label>
                  <RoleSelect
                    id={`role-${user.id}`}
                    value={user.role}
                    onChange={(next) => void change(() => api.updateUser(user.id, { role: next }))}
                  />
                </td>
                <td>{user.source}</td>
                <td>
                  {user.disabledAt ? (
                    'disabled'
                  ) : (
                    <button
                      type="button"
                      aria-label={`Disable ${user.username}`}
                      onClick={() => void change(() => api.disableUser(user.id))}
                    >
                      Disable
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Open console sessions, each with the credential it stands on; end one. */
export function SessionsPage({ api }: { api: LifelineApi }) {
  const load = useCallback(() => api.listSessions(), [api]);
  const { items, error, reload, setError } = useList<ConsoleSession>(load);
  const change = useChange(reload, setError);
  return (
    <>
      <PageTitle>Console sessions</PageTitle>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="table-wrap">
        <table aria-label="Sessions">
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Role</th>
              <th scope="col">Signed in with</th>
              <th scope="col">From</th>
              <th scope="col">Until</th>
              <th scope="col">End</th>
            </tr>
          </thead>
          <tbody>
            {items?.map((session) => (
              <tr key={session.id}>
                <td>{session.person}</td>
                <td>{session.role}</td>
                <td>{session.credential}</td>
                <td>{session.address ?? ''}</td>
                <td>{dateTime(session.expiresAt)}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`End the session of ${session.person}`}
                    onClick={() => void change(() => api.endSession(session.id))}
                  >
                    End
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

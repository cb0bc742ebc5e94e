import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { LifelineApi } from '../shared/api.js';
import type { SessionAnswer } from '../shared/api-types.js';
import { consoleTransport } from './console-transport.js';
import { SessionsPage, TokensPage, UsersPage } from './access-pages.js';
import { AuditPage } from './audit-page.js';
import { BatchPage } from './batch-page.js';
import { BatchesPage } from './batches-page.js';
import { DashboardPage } from './dashboard-page.js';
import { HandoffPage } from './handoff-page.js';
import { InspectPage } from './inspect-page.js';
import { NewBatchPage } from './new-batch-page.js';
import { NewRequestPage } from './new-request-page.js';
import { RequestPage } from './request-page.js';
import { ApprovalsPage } from './approvals-page.js';
import { RequestsPage } from './requests-page.js';
import { links, useRoute, type Route } from './router.js';
import { PasswordPage } from './password-page.js';
import { SignInPage } from './sign-in-page.js';

type SessionState =
  | { state: 'loading' }
  | { state: 'signed-out'; notice?: string }
  | { state: 'signed-in'; user: SessionAnswer['user'] };

/** The console: sign-in, then the tracker view, the request pages, the new-request form and the inspector. */
export function ConsoleApp() {
  const [session, setSession] = useState<SessionState>({ state: 'loading' });
  // The transport reads the CSRF token from here, so the API object lives as long as the page.
  const sessionRef = useRef<{ csrfToken?: string; onSignedOut: () => void }>({
    onSignedOut: () =>
      setSession({ state: 'signed-out', notice: 'Your session has ended; sign in again.' }),
  });
  const api = useMemo(() => new LifelineApi(consoleTransport(sessionRef.current)), []);
  const named = useRoute();

  const signedIn = (answer: SessionAnswer) => {
    sessionRef.current.csrfToken = answer.csrfToken;
    setSession({ state: 'signed-in', user: answer.user });
  };

  useEffect(() => {
    api.session().then(signedIn, () => setSession({ state: 'signed-out' }));
  }, [api]);

  if (session.state === 'loading') return <p class="loading">Loading…</p>;
  if (session.state === 'signed-out')
    return (
      <SignInPage
        api={api}
        onSignedIn={signedIn}
        {...(session.notice && { notice: session.notice })}
      />
    );

  async function signOut() {
    try {
      await api.signOut();
    } finally {
      sessionRef.current.csrfToken = undefined;
      setSession({ state: 'signed-out' });
    }
  }

  // The menu offers what the role may do (the API refuses the rest with a sentence anyway).
  const role = session.user.role;
  // Approvers run the licensing side, so they start from the dashboard; engineers come to the
  // console to make a request or follow one, so they start from the list (the dashboard is a
  // click away). Admins keep the list too.
  const route: Route =
    named.page === 'home'
      ? role === 'approver'
        ? { page: 'dashboard' }
        : { page: 'requests', query: new URLSearchParams() }
      : named;
  const admin = role === 'admin';
  const licensing = !admin;
  const current = (page: Route['page']) => (route.page === page ? 'page' : undefined);

  return (
    <>
      <a
        class="skip-link"
        href="#main"
        onClick={(event) => (event.preventDefault(), document.getElementById('main')?.focus())}
      >
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={links.home()}>
          <span class="brand-mark" aria-hidden="true" />
          Lifeline
        </a>
        <nav aria-label="Main">
          {licensing && (
            <>
              <a href={links.dashboard()} aria-current={current('dashboard')}>
                Dashboard
              </a>
              <a
                href={links.requests()}
                aria-current={
                  route.page === 'requests' || route.page === 'request' ? 'page' : undefined
                }
              >
                Requests
              </a>
              <a href={links.approvals()} aria-current={current('approvals')}>
                Awaiting approval
              </a>
              <a href={links.newRequest()} aria-current={current('new')}>
                New request
              </a>
              <a href={links.inspect()} aria-current={current('inspect')}>
                License inspector
              </a>
              <a
                href={links.batches()}
                aria-current={
                  route.page === 'batches' || route.page === 'batch' || route.page === 'new-batch'
                    ? 'page'
                    : undefined
                }
              >
                Batches
              </a>
            </>
          )}
          {admin && (
            <>
              <a href={links.tokens()} aria-current={current('tokens')}>
                Tokens
              </a>
              <a href={links.users()} aria-current={current('users')}>
                Users
              </a>
              <a href={links.sessions()} aria-current={current('sessions')}>
                Sessions
              </a>
            </>
          )}
          {role === 'approver' && (
            <a href={links.handoff()} aria-current={current('handoff')}>
              Hand-off
            </a>
          )}
          {(admin || role === 'approver') && (
            <a href={links.audit()} aria-current={current('audit')}>
              Audit log
            </a>
          )}
        </nav>
        <div class="who">
          <span data-testid="signed-in-as">{session.user.name}</span>
          <a href={links.password()} aria-current={current('password')}>
            Change password
          </a>
          <button type="button" class="link-button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'password' ? (
          <PasswordPage
            api={api}
            onChanged={() => {
              sessionRef.current.csrfToken = undefined;
              location.hash = links.requests();
              setSession({
                state: 'signed-out',
                notice: 'Your password is changed: sign in with the new one.',
              });
            }}
          />
        ) : (
          <Page route={route} api={api} role={role} />
        )}
      </main>
    </>
  );
}

function Page({ route, api, role }: { route: Route; api: LifelineApi; role: string }) {
  switch (route.page) {
    case 'home':
    case 'dashboard':
      return <DashboardPage api={api} />;
    case 'requests':
      return <RequestsPage api={api} query={route.query} />;
    case 'request':
      return <RequestPage api={api} id={route.id} role={role} />;
    case 'approvals':
      return <ApprovalsPage api={api} />;
    case 'new':
      return <NewRequestPage api={api} />;
    case 'inspect':
      return <InspectPage api={api} />;
    case 'tokens':
      return <TokensPage api={api} />;
    case 'users':
      return <UsersPage api={api} />;
    case 'sessions':
      return <SessionsPage api={api} />;
    case 'audit':
      return <AuditPage api={api} />;
    case 'password':
      return null;
    case 'handoff':
      return <HandoffPage api={api} />;
    case 'batches':
      return <BatchesPage api={api} />;
    case 'new-batch':
      return <NewBatchPage api={api} role={role} />;
    case 'batch':
      return <BatchPage api={api} id={route.id} query={route.query} role={role} />;
  }
}

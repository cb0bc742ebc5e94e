import { useEffect, useState } from 'preact/hooks';

/** The console's pages, addressed by the URL's hash (`#/requests/ID`), which notices and notes link to. */
export type Route =
  /** No page named (`#/` or nothing): the role's home, see ConsoleApp. */
  | { page: 'home' }
  | { page: 'dashboard' }
  | { page: 'requests'; query: URLSearchParams }
  | { page: 'request'; id: string }
  | { page: 'approvals' }
  | { page: 'new' }
  | { page: 'inspect' }
  | { page: 'tokens' }
  | { page: 'users' }
  | { page: 'sessions' }
  | { page: 'audit' }
  | { page: 'password' }
  | { page: 'handoff' }
  | { page: 'batches' }
  | { page: 'new-batch' }
  | { page: 'batch'; id: string; query: URLSearchParams };

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0 && search === '') return { page: 'home' };
  if (parts[0] === 'dashboard') return { page: 'dashboard' };
  if (parts[0] === 'requests' && parts[1])
    return { page: 'request', id: decodeURIComponent(parts[1]) };
  if (parts[0] === 'approvals') return { page: 'approvals' };
  if (parts[0] === 'new') return { page: 'new' };
  if (parts[0] === 'inspect') return { page: 'inspect' };
  if (parts[0] === 'tokens') return { page: 'tokens' };
  if (parts[0] === 'users') return { page: 'users' };
  if (parts[0] === 'sessions') return { page: 'sessions' };
  if (parts[0] === 'audit') return { page: 'audit' };
  if (parts[0] === 'password') return { page: 'password' };
  if (parts[0] === 'handoff') return { page: 'handoff' };
  if (parts[0] === 'batches' && parts[1] === 'new') return { page: 'new-batch' };
  if (parts[0] === 'batches' && parts[1])
    return { page: 'batch', id: decodeURIComponent(parts[1]), query: new URLSearchParams(search) };
  if (parts[0] === 'batches') return { page: 'batches' };
  return { page: 'requests', query: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return parseRoute(hash);
}

export const links = {
  home: () => '#/',
  dashboard: () => '#/dashboard',
  requests: (query?: Record<string, string>) => {
    const search = new URLSearchParams(
      Object.entries(query ?? {}).filter(([, value]) => value !== ''),
    ).toString();
    return `#/requests${search ? `?${search}` : ''}`;
  },
  request: (id: string) => `#/requests/${encodeURIComponent(id)}`,
  approvals: () => '#/approvals',
  newRequest: () => '#/new',
  inspect: () => '#/inspect',
  tokens: () => '#/tokens',
  users: () => '#/users',
  sessions: () => '#/sessions',
  audit: () => '#/audit',
  password: () => '#/password',
  handoff: () => '#/handoff',
  batches: () => '#/batches',
  newBatch: () => '#/batches/new',
  batch: (id: string, query?: { outcome?: string }) =>
    `#/batches/${encodeURIComponent(id)}${query?.outcome ? `?${new URLSearchParams({ outcome: query.outcome }).toString()}` : ''}`,
};

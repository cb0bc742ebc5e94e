import { render } from 'preact';
import { loadSidebarContext } from './sidebar-context.js';
import { SidebarApp, SidebarProblem } from './sidebar-app.js';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  const client = window.ZAFClient?.init();
  if (!client) {
    render(
      <SidebarProblem message="This page runs inside Zendesk’s ticket sidebar; open a ticket in Zendesk Support to use it." />,
      root,
    );
  } else {
    // Zendesk sizes the sidebar frame from what the app asks for: follow the content's height.
    new ResizeObserver(
      () =>
        void client.invoke('resize', {
          width: '100%',
          height: `${Math.ceil(document.body.scrollHeight) + 8}px`,
        }),
    ).observe(document.body);
    loadSidebarContext(client).then(
      (context) => render(<SidebarApp context={context} />, root),
      (error: unknown) =>
        render(
          <SidebarProblem message={error instanceof Error ? error.message : String(error)} />,
          root,
        ),
    );
  }
}

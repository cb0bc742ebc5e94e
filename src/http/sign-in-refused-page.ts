/**
 * The page a browser coming back from the identity provider sees when Lifeline does not sign
 * it in: a plain HTML page in the console's style (the browser navigated here; a JSON error
 * would be no help to a person), saying why and what to do, with a way back.
 */
export function signInRefusedPage(sentence: string, advice: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Not signed in – Lifeline</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/app.css" />
  </head>
  <body>
    <main id="main" class="sign-in">
      <div class="brand brand-large"><span class="brand-mark" aria-hidden="true"></span>Lifeline</div>
      <h1>Not signed in</h1>
      <p role="alert" class="field-error">${escapeHtml(sentence)}</p>
      <p>${escapeHtml(advice)}</p>
      <p><a href="/">Back to sign-in</a></p>
    </main>
  </body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );
}

/**
 * What a browser gets at `GET /graphql` (a GET that prefers HTML and has no
 * `query`): Apollo Server's landing page is turned off (server.ts), because
 * it loads Apollo's explorer from a CDN: a blank page without internet,
 * and scripts from elsewhere on a server that holds negotiation tokens.
 *
 *  - explorer on (DRAFTROOM_EXPLORER, on unless NODE_ENV=production): a
 *    small page made only of what is written below, inline HTML, CSS and
 *    script, nothing fetched from anywhere but this endpoint: a query, its
 *    variables, a token, Run, and the answer;
 *  - explorer off: a short plain-text answer saying what the endpoint is.
 *
 * Every other request (GET with `query`, POST, a client asking for JSON)
 * goes on to Apollo.
 */
import { createHash } from 'node:crypto';
import type express from 'express';

const SCRIPT = `
const form = document.getElementById('explorer');
const answer = document.getElementById('answer');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  let variables = {};
  const rawVariables = String(data.get('variables') || '').trim();
  if (rawVariables) {
    try { variables = JSON.parse(rawVariables); }
    catch (error) { answer.textContent = 'Variables are not JSON: ' + error.message; return; }
  }
  const headers = { 'content-type': 'application/json' };
  const token = String(data.get('token') || '').trim();
  if (token) headers.authorization = 'Bearer ' + token;
  answer.textContent = 'Running...';
  try {
    const response = await fetch(location.pathname, { method: 'POST', headers, body: JSON.stringify({ query: data.get('query'), variables }) });
    const text = await response.text();
    try { answer.textContent = 'HTTP ' + response.status + '\\n' + JSON.stringify(JSON.parse(text), null, 2); }
    catch { answer.textContent = 'HTTP ' + response.status + '\\n' + text; }
  } catch (error) {
    answer.textContent = 'The request failed: ' + error.message;
  }
});
`;

const STYLE = `
body { font: 15px/1.4 system-ui, sans-serif; margin: 1.5rem auto; max-width: 60rem; padding: 0 1rem; }
label { display: block; font-weight: 600; margin-top: 1rem; }
textarea, input { box-sizing: border-box; font: 14px/1.4 ui-monospace, monospace; width: 100%; }
button { font: inherit; margin-top: 1rem; padding: 0.3rem 1.5rem; }
pre { background: #f4f4f4; min-height: 4rem; overflow: auto; padding: 0.75rem; white-space: pre-wrap; }
`;

const EXPLORER_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>draftroom GraphQL explorer</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>draftroom GraphQL explorer</h1>
<p>Runs one query or mutation against this server (subscriptions need a WebSocket client). The schema is at <code>schema/schema.graphql</code> in the repository.</p>
<form id="explorer">
<label for="query">Query</label>
<textarea id="query" name="query" rows="12" spellcheck="false">{ viewer { id name role } }</textarea>
<label for="variables">Variables (JSON)</label>
<textarea id="variables" name="variables" rows="4" spellcheck="false"></textarea>
<label for="token">Bearer token</label>
<input id="token" name="token" type="password" autocomplete="off" spellcheck="false">
<button type="submit">Run</button>
</form>
<h2 id="answer-heading">Answer</h2>
<pre id="answer" aria-labelledby="answer-heading" aria-live="polite"></pre>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The page may run its own script and style and talk to this server; nothing else, from nowhere else. */
const EXPLORER_POLICY = `default-src 'none'; script-src ${sha256(SCRIPT)}; style-src ${sha256(STYLE)}; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'`;

const NO_EXPLORER =
  'This is the draftroom GraphQL endpoint: POST a query as application/json, or open a WebSocket (graphql-transport-ws). ' +
  'No explorer is served here (DRAFTROOM_EXPLORER is off).\n';

/** Whether the request is a browser opening the endpoint, not a GraphQL request. */
function isBrowserVisit(req: express.Request): boolean {
  return req.query.query === undefined && req.accepts(['application/json', 'text/html']) === 'text/html';
}

/** Answers a browser's visit to `path`; mount before the GraphQL middleware. */
export function mountExplorerRoute(app: express.Express, path: string, options: { explorer: boolean }): void {
  app.get(path, (req, res, next) => {
    if (!isBrowserVisit(req)) return next();
    if (!options.explorer) {
      res.type('text/plain').send(NO_EXPLORER);
      return;
    }
    res.setHeader('content-security-policy', EXPLORER_POLICY);
    res.type('html').send(EXPLORER_PAGE);
  });
}

/**
 * GraphiQL served entirely from node_modules: no CDN, no fonts, no outside requests, so it works on an
 * air-gapped forensic workstation. The page asks for the API key in the headers editor.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import express, { type Router } from 'express';

/** Package folders are found through their package.json (their `exports` hide the UMD builds from require). */
function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

const ASSETS: Record<string, string> = {
  'react.js': packageFile('react', 'umd/react.production.min.js'),
  'react-dom.js': packageFile('react-dom', 'umd/react-dom.production.min.js'),
  'graphiql.js': packageFile('graphiql', 'graphiql.min.js'),
  'graphiql.css': packageFile('graphiql', 'graphiql.min.css'),
};

const FIRST_QUERY = `# Welcome to mailtrail. Put your API key in the Headers tab below, then run:
query SessionsByIp {
  clientIp(address: "203.0.113.10") {
    address
    recordCount
    sessions(first: 20) {
      totalCount
      edges { node { sessionId firstSeen lastSeen boundMessageCount clientIps { address } mailboxes { userPrincipalName } } }
    }
  }
}
`;

/**
 * The page's script. GraphiQL introspects once, when it mounts or its fetcher changes, with the headers of that
 * moment; the key is pasted in later, so a change of headers gets a new fetcher, which makes it introspect again
 * (docs and autocomplete work without a manual re-fetch). Headers, and with them the key, stay in memory unless the
 * user ticks "Persist headers" in the settings; headers a previous version stored are removed.
 */
function script(defaultHeaders: string): string {
  return `
  const url = new URL('/graphql', location.href).toString();
  const makeFetcher = () => GraphiQL.createFetcher({ url });
  const defaultHeaders = ${JSON.stringify(defaultHeaders)};
  if (localStorage.getItem('graphiql:shouldPersistHeaders') !== 'true') {
    localStorage.removeItem('graphiql:headers');
    try {
      const tabs = JSON.parse(localStorage.getItem('graphiql:tabState') || 'null');
      if (tabs && Array.isArray(tabs.tabs)) {
        for (const tab of tabs.tabs) tab.headers = null;
        localStorage.setItem('graphiql:tabState', JSON.stringify(tabs));
      }
    } catch (e) {
      localStorage.removeItem('graphiql:tabState');
    }
  }
  const canonical = (text) => {
    try {
      return JSON.stringify(JSON.parse(text || '{}'));
    } catch (e) {
      return null; // still being typed
    }
  };
  function MailtrailGraphiQL() {
    const [fetcher, setFetcher] = React.useState(makeFetcher);
    const introspectedWith = React.useRef(canonical(defaultHeaders));
    const timer = React.useRef(undefined);
    const onEditHeaders = React.useCallback((text) => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        const headers = canonical(text);
        if (headers === null || headers === introspectedWith.current) return;
        introspectedWith.current = headers;
        setFetcher(() => makeFetcher());
      }, 400);
    }, []);
    return React.createElement(GraphiQL, {
      fetcher,
      onEditHeaders,
      defaultQuery: ${JSON.stringify(FIRST_QUERY)},
      defaultHeaders,
      isHeadersEditorEnabled: true,
      showPersistHeadersSettings: true,
      defaultEditorToolsVisibility: 'headers',
    });
  }
  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(MailtrailGraphiQL));
`;
}

const STYLE = 'html,body,#graphiql{height:100%;margin:0}';

const sha256 = (text: string) => `'sha256-${crypto.createHash('sha256').update(text).digest('base64')}'`;

/**
 * The page may run only its own scripts (the assets above and its one inline script, by hash), talk only to this
 * server, and never be framed (clickjacking a page that holds an API key). Style attributes stay allowed: the
 * editor sets them.
 */
function securityHeaders(inlineScript: string): Record<string, string> {
  return {
    'Content-Security-Policy': [
      "default-src 'none'",
      `script-src 'self' ${sha256(inlineScript)}`,
      `style-src 'self' 'unsafe-inline'`,
      "img-src 'self' data:",
      "font-src 'self' data:",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

function page(inlineScript: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>mailtrail GraphiQL</title>
<link rel="stylesheet" href="/graphiql/graphiql.css">
<style>${STYLE}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/react.js"></script>
<script src="/graphiql/react-dom.js"></script>
<script src="/graphiql/graphiql.js"></script>
<script>${inlineScript}</script>
</body>
</html>`;
}

export function graphiqlRouter(): Router {
  const router = express.Router();
  const inlineScript = script(JSON.stringify({ Authorization: 'Bearer <the key in .mailtrail/api-key>' }, null, 2));
  const html = page(inlineScript);
  const headers = securityHeaders(inlineScript);
  router.get('/', (_req, res) => {
    res.type('html').set('Cache-Control', 'no-store').set(headers).send(html);
  });
  for (const [name, file] of Object.entries(ASSETS)) {
    router.get(`/graphiql/${name}`, (_req, res) => {
      res.set('Cache-Control', 'public, max-age=86400').sendFile(file);
    });
  }
  return router;
}

/**
 * GraphiQL served entirely from node_modules: no CDN, no fonts, no outside requests, so it works on an
 * air-gapped forensic workstation. The page asks for the API key in the headers editor.
 */
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

function page(): string {
  const headers = JSON.stringify({ Authorization: 'Bearer <the key in .mailtrail/api-key>' }, null, 2);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>mailtrail GraphiQL</title>
<link rel="stylesheet" href="/graphiql/graphiql.css">
<style>html,body,#graphiql{height:100%;margin:0}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/react.js"></script>
<script src="/graphiql/react-dom.js"></script>
<script src="/graphiql/graphiql.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', location.href).toString() });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery: ${JSON.stringify(FIRST_QUERY)},
      defaultHeaders: ${JSON.stringify(headers)},
      headerEditorEnabled: true,
      shouldPersistHeaders: true,
      defaultEditorToolsVisibility: 'headers',
    }),
  );
</script>
</body>
</html>`;
}

export function graphiqlRouter(): Router {
  const router = express.Router();
  const html = page();
  router.get('/', (_req, res) => {
    res.type('html').set('Cache-Control', 'no-store').send(html);
  });
  for (const [name, file] of Object.entries(ASSETS)) {
    router.get(`/graphiql/${name}`, (_req, res) => {
      res.set('Cache-Control', 'public, max-age=86400').sendFile(file);
    });
  }
  return router;
}

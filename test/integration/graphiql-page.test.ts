/**
 * The GraphiQL page over HTTP, and its script run against stand-ins for React and GraphiQL: pasting the key into
 * the headers makes GraphiQL introspect again (new fetcher), and headers are not kept in localStorage unless the
 * user opted in.
 */
import crypto from 'node:crypto';
import vm from 'node:vm';
import { startTestServer, type TestServer } from '../support/server';

interface Element {
  type: unknown;
  props: Record<string, any>;
}

/** Just enough React to run one function component: state, refs and callbacks, re-rendered on setState. */
function fakeReact() {
  const hooks: unknown[] = [];
  let cursor = 0;
  let root: Element | null = null;
  let rendered: Element | null = null;
  const render = () => {
    cursor = 0;
    rendered = (root!.type as (p: unknown) => Element)(root!.props);
  };
  const React = {
    createElement: (type: unknown, props: Record<string, any> = {}) => ({ type, props }),
    useState(init: unknown) {
      const i = cursor++;
      if (!(i in hooks)) hooks[i] = typeof init === 'function' ? (init as () => unknown)() : init;
      const set = (next: unknown) => {
        hooks[i] = typeof next === 'function' ? (next as (v: unknown) => unknown)(hooks[i]) : next;
        render();
      };
      return [hooks[i], set];
    },
    useRef(init: unknown) {
      const i = cursor++;
      if (!(i in hooks)) hooks[i] = { current: init };
      return hooks[i];
    },
    useCallback(fn: unknown) {
      const i = cursor++;
      if (!(i in hooks)) hooks[i] = fn;
      return hooks[i];
    },
  };
  const ReactDOM = {
    createRoot: () => ({
      render(element: Element) {
        root = element;
        render();
      },
    }),
  };
  return { React, ReactDOM, graphiqlProps: () => rendered!.props };
}

function runPage(html: string, stored: Record<string, string>) {
  const script = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
  const { React, ReactDOM, graphiqlProps } = fakeReact();
  let fetchers = 0;
  const GraphiQL = Object.assign(() => null, { createFetcher: () => Object.assign(() => null, { n: ++fetchers }) });
  const storage = new Map(Object.entries(stored));
  const timers: (() => void)[] = [];
  vm.runInNewContext(script, {
    React,
    ReactDOM,
    GraphiQL,
    URL,
    JSON,
    Array,
    location: { href: 'http://127.0.0.1:4000/' },
    document: { getElementById: () => ({}) },
    localStorage: {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => storage.set(k, v),
      removeItem: (k: string) => storage.delete(k),
    },
    setTimeout: (fn: () => void) => timers.push(fn),
    clearTimeout: () => timers.splice(0),
  });
  const flush = () => timers.splice(0).forEach((fn) => fn());
  return { graphiqlProps, storage, flush };
}

describe('GraphiQL at /', () => {
  let t: TestServer;
  let html: string;
  let headers: Headers;
  beforeAll(async () => {
    t = await startTestServer();
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    html = await res.text();
    headers = res.headers;
  });

  test('sends a Content-Security-Policy that allows its own inline script only by hash, and refuses framing', () => {
    const csp = headers.get('content-security-policy')!;
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/connect-src 'self'/);
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(headers.get('x-frame-options')).toBe('DENY');
    const inline = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    const hash = crypto.createHash('sha256').update(inline).digest('base64');
    expect(csp).toContain(`'sha256-${hash}'`);
    // Every other script is one of this server's own files.
    expect([...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]).every((src) => src.startsWith('/graphiql/'))).toBe(true);
  });
  afterAll(async () => t.close());

  test('does not persist headers (the key) unless the user opts in, and offers the setting', () => {
    const { graphiqlProps } = runPage(html, {});
    expect(graphiqlProps().shouldPersistHeaders).toBeUndefined(); // GraphiQL's default: off, unless the user ticks it
    expect(graphiqlProps().showPersistHeadersSettings).toBe(true);
    expect(graphiqlProps().defaultHeaders).toContain('Authorization');
  });

  test('pasting the key into the headers introspects again (a new fetcher), once per distinct headers', () => {
    const { graphiqlProps, flush } = runPage(html, {});
    const first = graphiqlProps().fetcher;
    graphiqlProps().onEditHeaders('{ "Authorization": "Bearer mt_');
    flush();
    expect(graphiqlProps().fetcher).toBe(first); // not valid JSON yet: still typing

    graphiqlProps().onEditHeaders('{ "Authorization": "Bearer mt_pasted" }');
    flush();
    const second = graphiqlProps().fetcher;
    expect(second).not.toBe(first);

    graphiqlProps().onEditHeaders('{"Authorization":"Bearer mt_pasted"}'); // same headers, other spacing
    flush();
    expect(graphiqlProps().fetcher).toBe(second);
  });

  test('headers an earlier version stored are removed, unless the user opted in', () => {
    const tabState = JSON.stringify({ tabs: [{ id: 'a', headers: '{"Authorization":"Bearer mt_old"}', query: '{ a }' }], activeTabIndex: 0 });
    const cleaned = runPage(html, { 'graphiql:headers': '{"Authorization":"Bearer mt_old"}', 'graphiql:tabState': tabState }).storage;
    expect(cleaned.has('graphiql:headers')).toBe(false);
    expect(cleaned.get('graphiql:tabState')).not.toContain('mt_old');
    expect(JSON.parse(cleaned.get('graphiql:tabState')!).tabs[0].query).toBe('{ a }');

    const kept = runPage(html, { 'graphiql:shouldPersistHeaders': 'true', 'graphiql:headers': '{"Authorization":"Bearer mt_old"}' }).storage;
    expect(kept.get('graphiql:headers')).toContain('mt_old');
  });
});

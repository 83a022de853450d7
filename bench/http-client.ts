/**
 * The benchmarks' HTTP client, in a worker thread: its requests, response parsing and garbage are not the server's,
 * which runs on the benchmark's main thread (so its SQL statements can still be counted there), as a separate client
 * process would be. It uses node:http with one keep-alive connection, a lean client like wrk or a playbook's session:
 * measured on contract 01, the same process's `fetch` added ~1.5 ms per call to the server's own time
 * (docs/PERFORMANCE.md, "Sixth session").
 *
 *   const client = await startHttpClient();
 *   const { ms, body } = await client.post(url, headers, body);   // ms: as the client saw it
 */
import http from 'node:http';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';

interface Ask {
  id: number;
  url: string;
  headers: Record<string, string>;
  body: string;
}
interface Answer {
  id: number;
  ms: number;
  status: number;
  /** The answer's GraphQL errors as JSON, if it has any (the answer itself stays in the worker). */
  errors?: string;
  error?: string;
}

export interface HttpClient {
  /** POSTs `body`; answers the status, the answer's errors (JSON text) if any, and the ms from sending to the parsed answer. */
  post(url: string, headers: Record<string, string>, body: string): Promise<{ ms: number; status: number; errors?: string }>;
  close(): Promise<void>;
}

export async function startHttpClient(): Promise<HttpClient> {
  const worker = new Worker(__filename);
  const waiting = new Map<number, (a: Answer) => void>();
  worker.on('message', (a: Answer) => {
    waiting.get(a.id)?.(a);
    waiting.delete(a.id);
  });
  let next = 0;
  return {
    post(url, headers, body) {
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, (a) => (a.error ? reject(new Error(a.error)) : resolve({ ms: a.ms, status: a.status, errors: a.errors })));
        worker.postMessage({ id, url, headers, body } satisfies Ask);
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  port.on('message', (ask: Ask) => {
    const u = new URL(ask.url);
    const t0 = process.hrtime.bigint();
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', agent, headers: { ...ask.headers, 'content-length': Buffer.byteLength(ask.body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          // Parsed here, as a client would before using the answer; only its errors go back to the server's thread.
          const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { errors?: unknown[] };
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          port.postMessage({ id: ask.id, ms, status: res.statusCode ?? 0, errors: answer.errors ? JSON.stringify(answer.errors) : undefined } satisfies Answer);
        });
      },
    );
    req.on('error', (err) => port.postMessage({ id: ask.id, ms: 0, status: 0, error: err.message } satisfies Answer));
    req.end(ask.body);
  });
}

// A small HTTP service in each worker, and an API client for it: the tests talk to it with Playwright's
// `request` API, so the suite needs no browser download. `GET /work?ms=N` answers after N ms, which
// stands in for the slow parts of real end-to-end tests and gives the suite the skew of a real one.
import { createServer, type Server } from 'node:http';
import { test as base, type APIRequestContext } from '@playwright/test';

export const test = base.extend<{ api: APIRequestContext }, { service: string }>({
  service: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a function destructures
    async ({}, use) => {
      const server: Server = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const ms = Number(url.searchParams.get('ms') ?? 0);
        setTimeout(() => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ path: url.pathname, ms }));
        }, ms);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      await use(`http://127.0.0.1:${port}`);
      await new Promise((resolve) => server.close(resolve));
    },
    { scope: 'worker' },
  ],
  api: async ({ playwright, service }, use) => {
    const api = await playwright.request.newContext({ baseURL: service });
    await use(api);
    await api.dispose();
  },
});

export { expect } from '@playwright/test';

/**
 * Stretches every wait (`EXAMPLE_SCALE=6`): the benchmark runs the suite at a scale where the tests'
 * work, not Playwright's start-up, decides how long a shard takes, as in a real end-to-end suite.
 */
export const SCALE = Math.max(0, Number(process.env['EXAMPLE_SCALE'] ?? 1)) || 1;

/** Calls the service, which takes `ms` (times {@link SCALE}) to answer, and checks the answer. */
export async function work(api: APIRequestContext, path: string, base: number): Promise<void> {
  const ms = Math.round(base * SCALE);
  const response = await api.get(`${path}?ms=${ms}`);
  if (!response.ok()) throw new Error(`${path}: HTTP ${response.status()}`);
  const body = (await response.json()) as { path: string; ms: number };
  if (body.path !== path || body.ms !== ms)
    throw new Error(`${path}: unexpected answer ${JSON.stringify(body)}`);
}

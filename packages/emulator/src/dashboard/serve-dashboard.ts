import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendControlError } from '../control/control-input.js';
import { controlRequestRefusal } from '../control/request-guard.js';

/** The dashboard's files: plain HTML, CSS and ES modules, served as they are (no build step at run time). */
const ASSETS: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'views.js': 'text/javascript; charset=utf-8',
  'render.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

/**
 * `packages/emulator/dashboard/`, found from this module whether it runs from `src/` (tests) or from
 * `dist/esm/` (the published package): the nearest ancestor folder that has it.
 */
function dashboardFolder(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(folder, 'dashboard', 'index.html');
    if (existsSync(candidate) && !folder.endsWith('src')) return join(folder, 'dashboard');
    folder = dirname(folder);
  }
  throw new Error('the dashboard assets (packages/emulator/dashboard) are missing from this installation');
}

/**
 * Serves the dashboard at `<prefix>/dashboard/` and a small index at `GET /`. The pages hold no secrets (they
 * read everything through the control API, which keeps its own guard and token), but in loopback mode they are
 * refused to other hosts and pages like the control API itself, so the emulator shows nothing off this machine.
 */
export function registerDashboard(
  app: FastifyInstance,
  options: { prefix: string; controlApi: 'loopback' | 'open' },
): void {
  const folder = dashboardFolder();
  const files = new Map(
    Object.entries(ASSETS).map(([name, type]) => [name, { type, body: readFileSync(join(folder, name)) }]),
  );
  const base = `${options.prefix}/dashboard/`;
  const guard = async (request: FastifyRequest, reply: FastifyReply) => {
    if (options.controlApi === 'open') return undefined;
    const refusal = controlRequestRefusal(request);
    return refusal ? sendControlError(reply, refusal) : undefined;
  };

  // The query string goes along: on an open control API it carries the page's ?token=.
  app.get(`${options.prefix}/dashboard`, async (request, reply) => {
    const at = request.url.indexOf('?');
    return reply.redirect(at === -1 ? base : `${base}${request.url.slice(at)}`);
  });
  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const file = (request.params as { file?: string }).file;
    const asset = files.get(file || 'index.html');
    if (!asset) return reply.code(404).type('text/plain').send(`no dashboard file "${file}"`);
    return reply
      .type(asset.type)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'self'; style-src 'self'; img-src 'self' data:")
      .send(asset.body);
  };
  app.get(base, { onRequest: guard }, serve);
  app.get(`${base}:file`, { onRequest: guard }, serve);
  app.get('/', async (request, reply) => {
    const index = {
      name: 'wxpay-kit emulator: WeChat Pay APIv3 on this machine',
      dashboard: base,
      controlApi: `${options.prefix}/`,
      healthz: '/healthz',
    };
    if (!(request.headers.accept ?? '').includes('text/html')) return reply.send(index);
    return reply
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><meta charset="utf-8"><title>wxpay-kit emulator</title>` +
          `<p>wxpay-kit emulator: WeChat Pay APIv3 on this machine.</p>` +
          `<p><a href="${base}">Open the dashboard</a> · control API under <code>${options.prefix}/</code></p>`,
      );
  });
}

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CatalogueNotificationEvent, WechatPay } from '@wxpay-kit/sdk';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyApp as expressApp } from '../../../../examples/notifications/express.js';
import { notifyRoute as fastifyRoute } from '../../../../examples/notifications/fastify.js';
import { notifyApp as koaApp } from '../../../../examples/notifications/koa.js';
import { notifyRoute as nextRoute } from '../../../../examples/notifications/next-route.js';
import { type E2eHarness, startE2e } from './support/e2e-harness.js';
import type { Delivery } from './support/notification-receiver.js';
import { controlOk, mark, notificationLog, outboxFor, uniqueNo } from './support-a/e2e-kit.js';

// The README's notification recipes, run for real: the files below are the ones the README shows (checked
// verbatim first), each served by its framework on loopback, fed by the emulator: a probe-signed (forged)
// first delivery, then the genuine retry, and replays of a genuine delivery with its body or headers tampered.

const root = new URL('../../../../', import.meta.url);
const RECIPE_FILES = {
  Express: 'examples/notifications/express.ts',
  Fastify: 'examples/notifications/fastify.ts',
  Koa: 'examples/notifications/koa.ts',
  'Next.js route handler': 'examples/notifications/next-route.ts',
} as const;
type RecipeName = keyof typeof RECIPE_FILES;

const FAILURE_BODY = { code: 'FAIL', message: '失败' };

interface Running {
  url: string;
  events: CatalogueNotificationEvent[];
  close(): Promise<void>;
}

function listening(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

const closing = (server: Server) => () => new Promise<void>((resolve) => server.close(() => resolve()));

/** What a Next.js server does around a route handler: Node's request in, a web `Request`; the `Response` out. */
function nextAdapter(POST: (request: Request) => Promise<Response>) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value])
        headers.append(name, one);
    }
    const response = await POST(
      new Request(`http://127.0.0.1${req.url}`, {
        method: req.method ?? 'POST',
        headers,
        ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
      }),
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  };
}

async function start(name: RecipeName, wxpay: WechatPay): Promise<Running> {
  const events: CatalogueNotificationEvent[] = [];
  const handle = async (event: CatalogueNotificationEvent) => {
    events.push(event);
  };
  switch (name) {
    case 'Express': {
      const server = createServer(expressApp(wxpay, handle));
      return { url: await listening(server), events, close: closing(server) };
    }
    case 'Koa': {
      const server = createServer(koaApp(wxpay, handle).callback());
      return { url: await listening(server), events, close: closing(server) };
    }
    case 'Next.js route handler': {
      const server = createServer(nextAdapter(nextRoute(wxpay, handle)));
      return { url: await listening(server), events, close: closing(server) };
    }
    case 'Fastify': {
      const fastify = Fastify();
      await fastifyRoute(fastify, wxpay, handle);
      const url = await fastify.listen({ port: 0, host: '127.0.0.1' });
      return { url, events, close: () => fastify.close() };
    }
  }
}

let h: E2eHarness;
let genuine: Delivery;
const running = new Map<RecipeName, Running>();

beforeAll(async () => {
  h = await startE2e();
  const wxpay = new WechatPay({ ...h.emulator.clientOptions('ordinary'), retry: false });
  for (const name of Object.keys(RECIPE_FILES) as RecipeName[]) running.set(name, await start(name, wxpay));
  // One genuine delivery, kept raw by the plain receiver, to replay with tampering.
  const from = mark(h);
  await confirmAuthorization(h.receiver.url('ordinary'));
  await h.advance(0);
  genuine = h.receiver.deliveries[from]!;
});

afterAll(async () => {
  for (const recipe of running.values()) await recipe.close();
  await h?.close();
});

/** An authorization the user confirms: the emulator queues MCHTRANSFER.AUTHORIZATION.CONFIRMED to `notifyUrl`. */
async function confirmAuthorization(
  notifyUrl: string,
  beforeConfirm?: () => Promise<unknown>,
): Promise<string> {
  const no = uniqueNo('rcp');
  await h.sdk.ordinary.authorizations.apply({
    out_authorization_no: no,
    appid: h.emulator.merchants.ordinary.appid,
    openid: `o-${uniqueNo('user')}`,
    transfer_scene_id: '1000',
    user_display_name: 'wx_123456',
    authorization_notify_url: notifyUrl,
  });
  await beforeConfirm?.();
  await controlOk(h, 'POST', `/authorizations/${h.emulator.merchants.ordinary.mchid}/${no}/confirm`);
  return no;
}

async function post(url: string, headers: Record<string, string>, body: string | Buffer) {
  const response = await fetch(`${url}/wxpay/notify`, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

function headersOf(delivery: Delivery): Record<string, string> {
  return Object.fromEntries(
    Object.entries(delivery.headers).flatMap(([name, value]) =>
      typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name)
        ? [[name, value]]
        : [],
    ),
  );
}

it('the README shows each recipe file verbatim', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  for (const file of Object.values(RECIPE_FILES)) {
    const source = readFileSync(new URL(file, root), 'utf8').trim();
    expect(readme.includes(source), `${file} is not in README.md as it is`).toBe(true);
  }
});

describe.each(Object.keys(RECIPE_FILES) as RecipeName[])('the %s recipe', (name) => {
  it('refuses the emulator’s forged (probe) first delivery with 401 FAIL, then accepts the genuine retry', async () => {
    const recipe = running.get(name)!;
    const before = recipe.events.length;
    const no = await confirmAuthorization(`${recipe.url}/wxpay/notify`, () =>
      controlOk(h, 'POST', '/settings', { probe: { enabled: true, fraction: 1 } }),
    );
    await h.advance(0);
    await controlOk(h, 'POST', '/settings', { probe: false });
    await h.advance(15);
    const [notification] = await outboxFor(h, no);
    const log = await notificationLog(h, notification!.id);
    const attempts = log.attempts as unknown as {
      probe: boolean;
      httpStatus: number;
      responseExcerpt: string;
    }[];
    expect(attempts.map((a) => [a.probe, a.httpStatus])).toEqual([
      [true, 401],
      [false, 200],
    ]);
    expect(JSON.parse(attempts[0]!.responseExcerpt)).toEqual(FAILURE_BODY);
    expect(log.state).toBe('delivered');
    const events = recipe.events.slice(before);
    expect(
      events.map((e) => [
        e.event_type,
        (e.resource as { out_authorization_no?: string }).out_authorization_no,
      ]),
    ).toEqual([['MCHTRANSFER.AUTHORIZATION.CONFIRMED', no]]);
  });

  it('accepts a genuine delivery replayed as it came, and refuses it tampered, without echoing why', async () => {
    const recipe = running.get(name)!;
    const headers = headersOf(genuine);
    const body = genuine.body.toString('utf8');
    expect(await post(recipe.url, headers, body)).toEqual({ status: 200, text: '' });

    const tamperedBody = body.replace(/"summary":"/, '"summary":"!');
    expect(tamperedBody).not.toBe(body);
    const noSignature = Object.fromEntries(
      Object.entries(headers).filter(([n]) => n !== 'wechatpay-signature'),
    );
    for (const [what, answer] of [
      ['a changed body', await post(recipe.url, headers, tamperedBody)],
      ['no Wechatpay-Signature', await post(recipe.url, noSignature, body)],
      ['an empty body', await post(recipe.url, headers, '')],
    ] as const) {
      expect(answer.status, what).toBe(401);
      expect(JSON.parse(answer.text), what).toEqual(FAILURE_BODY);
    }
  });
});

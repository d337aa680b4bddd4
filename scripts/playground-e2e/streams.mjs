#!/usr/bin/env node
// Browser check of what frontends on another origin rely on, with the
// network cut to the two loopback origins:
//
//   node streams.mjs http://127.0.0.1:PORT/
//
// 1. A page served from another origin (http://localhost:<other port>)
//    queries the API through CORS, opens a graphql-transport-ws WebSocket
//    (token in connection_init) to credentialsUpdated, and shows the event
//    that a refresh made from outside the browser pushes.
// 2. The playground opens on its example tabs, runs a subscription through
//    GraphiQL's own WebSocket client and shows the pushed event.
// Exit 0 on success, 1 on failure.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const api = new URL(process.argv[2] || '');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const log = (m) => console.log(`streams: ${m}`);
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fingraph-streams-'));
let context;
let other;

async function done(code, msg) {
  if (msg) (code ? console.error : log)(msg);
  try {
    if (context) await context.close();
  } catch {
    /* gone */
  }
  if (other) other.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
  process.exit(code);
}
const timer = setTimeout(() => done(1, 'streams: FAIL: timed out'), 90000);

// gql runs an operation from Node (outside the browser) with the token.
async function gql(token, query, variables) {
  const res = await fetch(new URL('/graphql', api), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

// The page a frontend on another origin would serve.
function otherOriginPage(token, credsID) {
  const wsURL = `ws://${api.host}/graphql`;
  return `<!doctype html><html><head><title>waiting</title></head><body><pre id="log"></pre><script>
const say = (m) => { document.getElementById('log').textContent += m + '\\n'; };
(async () => {
  const res = await fetch(${JSON.stringify(new URL('/graphql', api).href)}, {
    method: 'POST',
    headers: { Authorization: 'Bearer ${token}', 'Content-Type': 'application/json' },
    body: JSON.stringify({ query: '{ me { id } }' }),
  });
  const body = await res.json();
  say('query: ' + JSON.stringify(body.data));
  window.queried = !!(body.data && body.data.me && body.data.me.id);
  const ws = new WebSocket(${JSON.stringify(wsURL)}, 'graphql-transport-ws');
  ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: 'Bearer ${token}' } }));
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    say('ws: ' + m.type);
    if (m.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
    if (m.type === 'connection_ack') {
      ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: {
        query: 'subscription($id: ID!) { credentialsUpdated(id: $id) { id status { pending } } }',
        variables: { id: ${JSON.stringify(credsID)} } } }));
      setTimeout(() => { window.subscribed = true; }, 300);
    }
    if (m.type === 'next' && m.payload.data) document.title = 'event:' + m.payload.data.credentialsUpdated.id;
  };
  ws.onclose = (e) => say('ws closed ' + e.code);
})().catch((e) => say('error: ' + e));
</script></body></html>`;
}

async function main() {
  const html = await (await fetch(api)).text();
  const m = html.match(/"Authorization":\s*"Bearer ([^"]+)"/);
  if (!m) return done(1, 'streams: FAIL: the playground page carries no demo token (dev mode?)');
  const token = m[1];
  const me = await gql(token, '{ me { credentials(first: 1) { nodes { id } } } }');
  const credsID = me.me.credentials.nodes[0].id;

  other = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(otherOriginPage(token, credsID));
  });
  await new Promise((r) => other.listen(0, '127.0.0.1', r));
  const otherURL = `http://localhost:${other.address().port}/`;
  const allowed = new Set([api.host, `localhost:${other.address().port}`]);

  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const blocked = [];
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (allowed.has(u.host)) return route.continue();
    blocked.push(u.href);
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());

  log(`another origin: ${otherURL}`);
  await page.goto(otherURL, { waitUntil: 'load' });
  await page.waitForFunction(() => window.queried === true && window.subscribed === true, null, { timeout: 15000 });
  log('the other origin queried through CORS and subscribed over WebSocket');
  await gql(token, 'mutation($id: ID!) { refreshCredentials(id: $id) { id } }', { id: credsID });
  await page.waitForFunction((id) => document.title === 'event:' + id, credsID, { timeout: 15000 });
  log('it received the credentialsUpdated event');

  await page.goto(api.href, { waitUntil: 'load' });
  await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: 15000 });
  const tabs = await page.locator('.graphiql-tab').count();
  if (tabs < 3) return done(1, `streams: FAIL: the playground opened on ${tabs} tab(s), want the 3 examples`);
  log(`the playground opened on ${tabs} example tabs`);
  const sub = `subscription { credentialsUpdated(id: "${credsID}") { id status { pending } } }`;
  // In a new tab, as a user would write their own.
  await page.locator('button.graphiql-tab-add').first().click();
  await page.evaluate((q) => {
    const el = document.querySelector('.graphiql-query-editor .CodeMirror');
    el.CodeMirror.setValue(q);
  }, sub);
  await page.locator('button.graphiql-execute-button').first().click();
  // The subscription starts some time after the click (GraphiQL opens the
  // WebSocket, then subscribes), and an event published before that is
  // not replayed: refresh until one shows, as a user would click again.
  const shown = () => page.evaluate(() => {
    const el = document.querySelector('.result-window .CodeMirror');
    return !!(el && el.CodeMirror && el.CodeMirror.getValue().includes('credentialsUpdated'));
  });
  let seen = false;
  for (let i = 0; i < 15 && !seen; i++) {
    await page.waitForTimeout(1000);
    await gql(token, 'mutation($id: ID!) { refreshCredentials(id: $id) { id } }', { id: credsID });
    for (let j = 0; j < 10 && !seen; j++) {
      seen = await shown();
      if (!seen) await page.waitForTimeout(200);
    }
  }
  if (!seen) {
    const result = await page.evaluate(() => document.querySelector('.result-window .CodeMirror')?.CodeMirror?.getValue());
    return done(1, `streams: FAIL: the playground showed no credentialsUpdated event; result pane: ${result}`);
  }
  log('the playground ran a subscription and showed the event');
  if (blocked.length) return done(1, `streams: FAIL: requests outside loopback: ${blocked.join(', ')}`);
  clearTimeout(timer);
  return done(0, 'OK: CORS, WebSocket and playground subscriptions work offline');
}

main().catch((e) => done(1, `streams: FAIL: ${e && e.stack ? e.stack : e}`));

#!/usr/bin/env node
// End-to-end check of fingraph's GraphiQL playground in headless Chromium,
// with the network cut to the server under test.
//
//   node check.mjs http://127.0.0.1:PORT/
//
// It opens the page, waits for GraphiQL to render, sets the query
// `{ __typename }`, runs it and waits for `"__typename": "Query"` in the
// result pane. Every request to a host other than the server's is aborted
// and counted; any such request fails the check (the playground must work
// offline). Exit 0 on success, 1 on failure, 2 on bad usage.
//
// Environment:
//   PLAYGROUND_E2E_SCREENSHOT  PNG path (default $TMPDIR/fingraph-playground-e2e.png),
//                              written on success and, when possible, on failure
//   PLAYGROUND_E2E_TIMEOUT_MS  overall time limit (default 30000)
//   CHROMIUM_PATH              browser binary (default /usr/bin/chromium);
//                              no browser is ever downloaded

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const QUERY = '{ __typename }';
const EXPECT = '"__typename": "Query"';

const arg = process.argv[2];
if (!arg) {
  console.error('usage: node check.mjs URL   (e.g. http://127.0.0.1:8080/)');
  process.exit(2);
}
let target;
try {
  target = new URL(arg);
} catch {
  console.error(`check: not a URL: ${arg}`);
  process.exit(2);
}
const screenshotPath =
  process.env.PLAYGROUND_E2E_SCREENSHOT || path.join(os.tmpdir(), 'fingraph-playground-e2e.png');
const timeoutMs = Number(process.env.PLAYGROUND_E2E_TIMEOUT_MS || 30000);
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

if (!fs.existsSync(chromiumPath)) {
  console.error(`check: FAIL: no browser at ${chromiumPath} (apt-get install -y chromium)`);
  process.exit(1);
}

const log = (msg) => console.log(`check: ${msg}`);
let step = 'start';
let launching; // the launch promise, so a failure during launch can still close the browser
let context;
let page;
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fingraph-e2e-chromium-'));

// Evidence gathered while the page runs.
const blocked = []; // external requests that were aborted
const local = []; // "METHOD path -> status" of requests to the server
const graphqlAuth = []; // Authorization header of each POST to the server
const failedPosts = []; // POSTs to the server answered with an error status
const pageErrors = [];
const consoleErrors = [];

function isServerURL(u) {
  // Same host and port as the URL under test. data:/blob: URLs never reach
  // the network and are not routed.
  return (u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'ws:' || u.protocol === 'wss:') &&
    u.host === target.host;
}

async function cleanup() {
  if (!context && launching) {
    context = await Promise.race([
      launching.catch(() => null),
      new Promise((resolve) => setTimeout(() => resolve(null), 5000)),
    ]);
  }
  try {
    if (context) await context.close();
  } catch {
    /* browser already gone */
  }
  try {
    fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  } catch (e) {
    log(`warning: could not remove ${userDataDir}: ${e.message}`);
  }
}

async function screenshot() {
  if (!page) return false;
  try {
    await page.screenshot({ path: screenshotPath, fullPage: true, timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

function diagnostics() {
  if (local.length) log(`requests to the server:\n  ${local.join('\n  ')}`);
  if (pageErrors.length) log(`page errors:\n  ${pageErrors.join('\n  ')}`);
  if (consoleErrors.length) log(`console errors:\n  ${consoleErrors.join('\n  ')}`);
  if (blocked.length) log(`blocked external requests (${blocked.length}):\n  ${blocked.join('\n  ')}`);
}

let failing = false;
async function fail(msg) {
  // Only the first failure reports and exits; later ones (e.g. main() erroring
  // once the timeout closed the browser) wait for that exit.
  if (failing) return new Promise(() => {});
  failing = true;
  clearTimeout(timer);
  console.error(`check: FAIL at step "${step}": ${msg}`);
  diagnostics();
  if (await screenshot()) log(`screenshot of the failure: ${screenshotPath}`);
  await cleanup();
  process.exit(1);
}

const timer = setTimeout(() => {
  fail(`timed out after ${timeoutMs} ms`);
}, timeoutMs);

// Reads a GraphiQL (CodeMirror 5) editor's text, falling back to the DOM.
async function editorText(selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(`${sel} .CodeMirror`);
    if (!el) return null;
    return el.CodeMirror ? el.CodeMirror.getValue() : el.innerText;
  }, selector);
}

async function main() {
  step = 'launch chromium';
  launching = chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    // The first start after installing Chromium can be slow (font caches).
    timeout: 20000,
  });
  context = await launching;

  step = 'cut the network';
  await context.route('**/*', (route) => {
    const req = route.request();
    let u;
    try {
      u = new URL(req.url());
    } catch {
      blocked.push(req.url());
      return route.abort('blockedbyclient');
    }
    if (isServerURL(u)) return route.continue();
    blocked.push(`${req.method()} ${req.url()}`);
    return route.abort('blockedbyclient');
  });
  await context.routeWebSocket(
    (u) => !isServerURL(u),
    (ws) => {
      blocked.push(`WEBSOCKET ${ws.url()}`);
      ws.close();
    },
  );

  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('response', async (res) => {
    const req = res.request();
    const u = new URL(req.url());
    if (!isServerURL(u)) return;
    local.push(`${req.method()} ${u.pathname} -> ${res.status()}`);
    if (req.method() === 'POST' && res.status() >= 400) {
      let op = '';
      try {
        op = JSON.parse(req.postData() || '{}').operationName || '';
      } catch {
        /* not JSON */
      }
      failedPosts.push(`POST ${u.pathname}${op ? ` (${op})` : ''} -> ${res.status()}`);
    }
  });
  page.on('request', async (req) => {
    if (req.method() !== 'POST') return;
    const u = new URL(req.url());
    if (!isServerURL(u)) return;
    const h = await req.allHeaders();
    graphqlAuth.push(h.authorization ? h.authorization.replace(/^(Bearer)\s.*/i, '$1 <token>') : '(none)');
  });

  step = 'open the page';
  const res = await page.goto(target.href, { waitUntil: 'load', timeout: 15000 });
  if (!res) return fail(`no response for ${target.href}`);
  if (res.status() !== 200) return fail(`GET ${target.href} answered ${res.status()}`);
  log(`page "${await page.title()}" loaded`);

  step = 'wait for GraphiQL to render';
  try {
    await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', {
      state: 'visible',
      timeout: 15000,
    });
  } catch {
    const text = (await page.locator('body').innerText().catch(() => '')).slice(0, 200);
    return fail(`GraphiQL did not render (page text: ${JSON.stringify(text)})`);
  }

  step = 'set the query';
  const viaAPI = await page.evaluate((q) => {
    const el = document.querySelector('.graphiql-query-editor .CodeMirror');
    if (!el || !el.CodeMirror) return false;
    el.CodeMirror.setValue(q);
    el.CodeMirror.focus();
    return true;
  }, QUERY);
  if (!viaAPI) {
    // Fallback: type it. CodeMirror closes brackets itself, so type the
    // inside and let the editor's "}" stand.
    await page.click('.graphiql-query-editor .CodeMirror');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('{ __typename ');
    await page.keyboard.press('Escape');
  }
  const q = await editorText('.graphiql-query-editor');
  if (!q || q.replace(/\s+/g, ' ').trim() !== QUERY) {
    return fail(`query editor holds ${JSON.stringify(q)}, want ${JSON.stringify(QUERY)}`);
  }

  const prefilled = await page.evaluate(() =>
    [...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')].some(
      (el) => el.CodeMirror && /"Authorization"/.test(el.CodeMirror.getValue()),
    ),
  );
  log(`headers editor pre-filled with Authorization: ${prefilled ? 'yes' : 'no'}`);

  step = 'run the query';
  const runButton = page.locator('button.graphiql-execute-button');
  if ((await runButton.count()) > 0) {
    await runButton.first().click({ timeout: 5000 });
  } else {
    await page.click('.graphiql-query-editor .CodeMirror');
    await page.keyboard.press('Control+Enter');
  }

  step = 'wait for the result';
  try {
    await page.waitForFunction(
      (want) => {
        const el = document.querySelector('.result-window .CodeMirror');
        if (!el) return false;
        const text = el.CodeMirror ? el.CodeMirror.getValue() : el.innerText;
        return text.includes(want);
      },
      EXPECT,
      { timeout: 10000, polling: 100 },
    );
  } catch {
    const got = await editorText('.result-window').catch(() => null);
    return fail(`result pane never showed ${EXPECT}; it holds: ${JSON.stringify(got)}`);
  }
  log(`result pane shows ${EXPECT}`);
  if (graphqlAuth.length) log(`Authorization on the POSTs to the server: ${graphqlAuth.join(', ')}`);

  step = 'screenshot';
  if (!(await screenshot())) return fail(`could not write the screenshot to ${screenshotPath}`);
  log(`screenshot: ${screenshotPath}`);

  step = 'check offline';
  if (blocked.length) {
    return fail(`the page tried ${blocked.length} request(s) to hosts other than ${target.host}`);
  }
  // Schema introspection (docs, autocompletion) must work too: it is sent
  // at page load, before the headers editor exists.
  if (failedPosts.length) {
    return fail(
      `GraphQL request(s) failed: ${failedPosts.join(', ')} ` +
        '(a 401 on IntrospectionQuery means the page sent no token: is the server in dev mode with a demo token?)',
    );
  }
  if (pageErrors.length) log(`warning: page errors: ${pageErrors.join(' | ')}`);
  log(`OK: GraphiQL rendered and ran ${QUERY} with no external request`);
  clearTimeout(timer);
  await cleanup();
  process.exit(0);
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));

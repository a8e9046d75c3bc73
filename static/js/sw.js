/* metsinfo service worker: keeps the reader pages that /offline.json lists, and the files they
   load, so that they open with no connection (on a ward with no signal). Served at /sw.js so its
   scope is the whole site. See README, "Reading offline".

   - One Cache Storage cache per content version ("metsinfo-offline-<version>-<time>"). A new
     version is saved into a new cache; only once every page and file is in it is its "saved"
     entry written, and the old caches deleted. A failed save leaves the old copy in use.
   - Pages: network first, so a correction is seen at once with a connection; the listed page's
     saved copy is replaced by what came; with no connection the saved copy is shown.
   - Static files: a hashed name (ManifestStaticFilesStorage, in production) never changes, so
     its saved copy is used first; an unhashed name is fetched first and saved only as a fallback.
   - Never saved: anything not in the list (search results, comments, the admin, review links),
     any response marked private or no-store or that varies by cookie (the site marks every
     response that sets a cookie private; Set-Cookie itself is hidden from workers), and any
     page fetched with the reader's cookies that came back personal (staff). Pages are saved from
     requests without cookies, so the copies are the ones every reader gets. */
"use strict";

const PREFIX = "metsinfo-offline-";
const LIST_URL = "/offline.json";
// What a complete cache was saved from, and when; written last, so its presence means complete.
const SAVED_URL = "/offline.json?saved";
const HASHED_NAME = /\.[0-9a-f]{12}\.[A-Za-z0-9]+$/;
const LOADED_FILE = /\b(?:href|src)="(\/static\/[^"?#]+)"/g;
const QUIET = { cache: "no-cache", credentials: "omit" };

let saving = null;
// The checks that visits with a connection started (keep the page, then see whether the content
// changed), while they run: a page that asks what is saved is answered once they are over.
const visits = new Set();
// The saved list's "never" prefixes, once known: their requests are left to the browser alone.
let never = [];

function storable(response) {
  if (!response || response.status !== 200 || response.type !== "basic" || response.redirected) return false;
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  const vary = (response.headers.get("Vary") || "").toLowerCase();
  return !/\b(private|no-store)\b/.test(control) && !/\bcookie\b/.test(vary);
}

async function stamped(response) {
  const headers = new Headers(response.headers);
  headers.set("X-Offline-Saved", new Date().toISOString());
  // The body kept is the decoded one: the network's encoding and length no longer describe it.
  headers.delete("Content-Encoding");
  headers.delete("Content-Length");
  const body = await response.blob();
  return new Response(body, { status: response.status, statusText: response.statusText, headers: headers });
}

async function ourCaches() {
  return (await caches.keys()).filter((name) => name.startsWith(PREFIX));
}

// The newest complete cache and what it holds, or null when nothing is saved yet.
async function current() {
  let best = null;
  for (const name of await ourCaches()) {
    const entry = await (await caches.open(name)).match(SAVED_URL);
    if (!entry) continue;
    const saved = await entry.json();
    if (!best || saved.saved > best.saved.saved) best = { name: name, saved: saved };
  }
  if (best) never = best.saved.never;
  return best;
}

async function fromCurrent(path) {
  const now = await current();
  return now ? (await caches.open(now.name)).match(path) : undefined;
}

async function tell(message) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  windows.forEach((client) => client.postMessage(message));
}

// Save every listed page and the files they load; unless forced, only when the version changed.
async function save(force) {
  const answer = await fetch(LIST_URL, QUIET);
  if (!storable(answer)) throw new Error("the offline list could not be fetched");
  const list = await answer.json();
  never = list.never;
  const now = await current();
  if (!force && now && now.saved.version === list.version) return now.saved;
  await tell({ type: "saving" });
  const name = PREFIX + list.version + "-" + Date.now();
  const cache = await caches.open(name);
  try {
    const files = new Set();
    // One at a time: gentle on a slow connection and on the site.
    for (const url of list.pages) {
      const page = await fetch(url, QUIET);
      if (!storable(page)) throw new Error(url + " cannot be saved");
      for (const match of (await page.clone().text()).matchAll(LOADED_FILE)) files.add(match[1]);
      await cache.put(url, await stamped(page));
    }
    for (const url of files) {
      const kept = HASHED_NAME.test(url) ? await caches.match(url) : undefined;
      const file = kept || (await fetch(url, QUIET));
      if (!kept && !storable(file)) throw new Error(url + " cannot be saved");
      await cache.put(url, file);
    }
    const saved = { version: list.version, saved: new Date().toISOString(), pages: list.pages, never: list.never };
    await cache.put(SAVED_URL, new Response(JSON.stringify(saved), { headers: { "Content-Type": "application/json" } }));
    for (const old of await ourCaches()) {
      if (old !== name) await caches.delete(old);
    }
    return saved;
  } catch (error) {
    await caches.delete(name);
    throw error;
  }
}

// One save at a time. A forced save ("Update saved pages") waits for one under way, then runs.
function refresh(force) {
  if (saving && !force) return saving;
  const run = (saving || Promise.resolve())
    .catch(() => {})
    .then(() => save(force))
    .then(
      (saved) => {
        tell({ type: "saved", saved: saved });
        return saved;
      },
      (error) => {
        tell({ type: "failed" });
        throw error;
      }
    )
    .finally(() => {
      if (saving === run) saving = null;
    });
  saving = run;
  return run;
}

// A listed page that came from the network replaces its saved copy, if it is one to keep.
async function keep(url, response) {
  const now = await current();
  if (!now || url.search || !now.saved.pages.includes(url.pathname)) return;
  if (never.some((prefix) => url.pathname.startsWith(prefix)) || !storable(response)) return;
  await (await caches.open(now.name)).put(url.pathname, await stamped(response));
}

async function page(event, url) {
  try {
    // Checked with the site every time (a 304 when unchanged), so a correction shows at once.
    const response = await fetch(event.request, { cache: "no-cache" });
    // With a connection: keep this page's copy fresh, then see whether the content changed.
    const check = keep(url, response.clone())
      .then(() => refresh(false))
      .catch(() => {})
      .finally(() => visits.delete(check));
    visits.add(check);
    event.waitUntil(check);
    return response;
  } catch (error) {
    // No connection: the saved copy; an address with a query (a search) gets its page without one.
    const saved = await fromCurrent(url.pathname);
    if (saved) return saved;
    throw error;
  }
}

async function file(request, url) {
  const saved = await fromCurrent(url.pathname);
  if (saved && HASHED_NAME.test(url.pathname)) return saved;
  try {
    return await fetch(request);
  } catch (error) {
    if (saved) return saved;
    throw error;
  }
}

// Learn the "never" prefixes as soon as the worker starts, not at its first save.
current().catch(() => {});

self.addEventListener("install", (event) => {
  // Installed only once everything is saved, so a reader is never left with half a copy.
  event.waitUntil(refresh(true).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

// A page asks what is saved once it has loaded. The "saved" message that ends a check goes to the
// pages open at that moment, which need not include the page the visit opens (still loading, or
// the far end of a redirect, whose check joins the one its first address started), so a page is
// answered on its own once the checks under way, its visit's among them, and any save are over.
async function answer(client) {
  await Promise.all(visits);
  if (saving) await saving.catch(() => {});
  const now = await current();
  if (now) client.postMessage({ type: "saved", saved: now.saved });
}

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "update") event.waitUntil(refresh(true).catch(() => {}));
  else if (type === "check" && event.source) event.waitUntil(answer(event.source));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || never.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.mode === "navigate") {
    event.respondWith(page(event, url));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(file(request, url));
  }
});

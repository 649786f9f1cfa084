{% autoescape off %}// Service worker of the Đầm Hà tracker (served at /sw.js by indicators.views.service_worker,
// so that its scope is the whole site). Hand-written rather than Workbox: the rules are
// few (below), it needs no build step or npm package in the app, and every line can be
// read in review — important for a worker that decides what stays on a shared phone.
//
// - Entry pages the user opened (responses marked X-Damha-Offline: entry) are kept in a
//   cache of that user only (X-Damha-User), network first: offline, the last copy the
//   server sent opens, marked so that static/js/entry.js says it is a copy.
// - Static files and the pinned CDN files are kept as they are fetched (served from the
//   cache, refreshed in the background).
// - Nothing else is kept: other pages need the network; offline they show the
//   "no network" page, which lists the entry pages kept for the current user.
// - A page of another user makes the worker drop the previous user's pages; logout
//   (static/js/app.js) drops every cache.
// Only GET requests are handled: saves are queued by the page (entry.js), not here.
// The worker's own CSP (the /sw.js answer's) lets it connect to the pinned CDN only.
"use strict";

const VERSION = "{{ cache_version }}";
const STATIC_CACHE = "damha-static-v" + VERSION;
const META_CACHE = "damha-meta-v" + VERSION;
const PAGES_PREFIX = "damha-pages-v" + VERSION + "-u";
const OFFLINE_URL = "{{ offline_url }}";
const CDN = "https://cdn.jsdelivr.net/";
const USER_KEY = "/__damha/current-user";

function isAsset(url) {
  return (url.origin === self.location.origin && url.pathname.startsWith("/static/")) || url.href.startsWith(CDN);
}

async function currentUser() {
  const meta = await caches.open(META_CACHE);
  const answer = await meta.match(USER_KEY);
  return answer ? answer.text() : "";
}

async function setCurrentUser(user) {
  if (!user) {
    return;
  }
  if ((await currentUser()) !== user) {
    // Another user on this device: nothing of the previous one may stay.
    const keys = await caches.keys();
    await Promise.all(keys.filter((key) => key.startsWith("damha-pages-")).map((key) => caches.delete(key)));
    const meta = await caches.open(META_CACHE);
    await meta.put(USER_KEY, new Response(user));
  }
}

async function keepPage(url, response) {
  const user = response.headers.get("X-Damha-User");
  if (response.status !== 200 || response.headers.get("X-Damha-Offline") !== "entry" || !user) {
    return;
  }
  await setCurrentUser(user);
  const pages = await caches.open(PAGES_PREFIX + user);
  await pages.put(url, response);
}

async function precacheOffline() {
  // The "no network" page and what it loads (its stylesheets and scripts).
  const cache = await caches.open(STATIC_CACHE);
  const response = await fetch(OFFLINE_URL, { credentials: "omit" });
  if (!response.ok) {
    return;
  }
  const html = await response.clone().text();
  await cache.put(OFFLINE_URL, response);
  const urls = [];
  const pattern = /(?:href|src)="([^"]+)"/g;
  let match;
  while ((match = pattern.exec(html)) !== null) {
    const url = new URL(match[1].replace(/&amp;/g, "&"), self.location.origin);
    if (isAsset(url)) {
      urls.push(url.href);
    }
  }
  await Promise.all(
    urls.map((url) =>
      fetch(url, { mode: url.startsWith(CDN) ? "cors" : "same-origin", credentials: "omit" })
        .then((answer) => (answer.ok ? cache.put(url, answer) : null))
        .catch(() => null)
    )
  );
}

self.addEventListener("install", (event) => {
  event.waitUntil(precacheOffline().catch(() => null).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith("damha-") && !key.includes("-v" + VERSION))
            .map((key) => caches.delete(key))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "logout") {
    const personal = (key) => key.startsWith("damha-pages-") || key.startsWith("damha-meta-");
    event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter(personal).map((key) => caches.delete(key)))));
  } else if (data.type === "user") {
    event.waitUntil(setCurrentUser(String(data.id || "")));
  } else if (data.type === "keep" && data.url) {
    // The page the user has open, fetched again for the cache: the first visit happens
    // before the worker controls the page.
    const url = new URL(data.url, self.location.origin).href;
    event.waitUntil(
      fetch(url, { credentials: "same-origin" })
        .then((response) => keepPage(url, response))
        .catch(() => null)
    );
  }
});

async function offlineCopy(url) {
  const user = await currentUser();
  if (user) {
    const pages = await caches.open(PAGES_PREFIX + user);
    const copy = await pages.match(url, { ignoreSearch: true });
    if (copy) {
      const html = (await copy.text()).replace("<body ", '<body data-offline-copy="1" ');
      return new Response(html, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
    }
  }
  const fallback = await caches.match(OFFLINE_URL);
  return fallback || Response.error();
}

async function navigate(request) {
  try {
    const response = await fetch(request);
    const url = new URL(request.url);
    await keepPage(url.origin + url.pathname, response.clone()).catch(() => null);
    return response;
  } catch (error) {
    const url = new URL(request.url);
    return offlineCopy(url.origin + url.pathname);
  }
}

async function asset(request) {
  const cache = await caches.open(STATIC_CACHE);
  const cached = await cache.match(request);
  const fresh = fetch(request)
    .then((response) => {
      if (response.ok) {
        cache.put(request, response.clone());
      }
      return response;
    })
    .catch(() => null);
  return cached || (await fresh) || Response.error();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
  } else if (isAsset(url)) {
    event.respondWith(asset(request));
  }
});
{% endautoescape %}

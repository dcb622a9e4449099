// Keeps the services catalogue readable offline: pages are fetched from the network when it
// answers (and kept), and served from the cache when it does not.
"use strict";
var CACHE = "agenda-v1";
var PRECACHE = ["/", "/services", "/assets/site.css", "/assets/theme.css", "/assets/sdg.css", "/assets/site.js", "/assets/icon.svg", "/manifest.webmanifest"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(PRECACHE); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }));
  self.clients.claim();
});

self.addEventListener("fetch", function (event) {
  var req = event.request;
  var url = new URL(req.url);
  // Only this site's pages and assets; never the administration, forms, the API writes or a
  // person's private feedback ticket.
  if (req.method !== "GET" || url.origin !== self.location.origin ||
      /^\/((fr|es)\/)?(admin|login|logout|chat|channels|feedback)/.test(url.pathname)) {
    return;
  }
  event.respondWith(fetch(req).then(function (res) {
    if (res.ok) {
      var copy = res.clone();
      caches.open(CACHE).then(function (c) { c.put(req, copy); });
    }
    return res;
  }).catch(function () {
    return caches.match(req).then(function (hit) { return hit || caches.match("/services"); });
  }));
});

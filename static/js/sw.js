// The officers' service worker (served at /sw.js by krangkeng_portal.offline, which puts
// the settings object KRK in front of this file). It lets Catat Patroli and Kotak Keluar
// open with no signal:
// - the static files they need are cached at install and refreshed when online;
// - a page is kept only when its response names the officer it may be kept for
//   (KRK.header), in that officer's own cache, with the time it was kept; any other
//   page is never stored;
// - offline, a kept page is served only to the officer who was last signed in;
//   signing in or out forgets every kept page.
// Patrols saved offline live in IndexedDB (outbox.js), not here.
/* global KRK */
"use strict";

var STATIC_CACHE = "krk-static-v1";
var PAGE_CACHE_PREFIX = "krk-officer-";
var STATE_CACHE = "krk-state";
var CURRENT = "/__krk/current-officer";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(STATIC_CACHE)
      .then(function (cache) {
        return cache.addAll(KRK.precache);
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function currentOfficer() {
  return caches
    .open(STATE_CACHE)
    .then(function (cache) {
      return cache.match(CURRENT);
    })
    .then(function (response) {
      return response ? response.text() : "";
    });
}

function setCurrentOfficer(officer) {
  return caches.open(STATE_CACHE).then(function (cache) {
    return cache.put(CURRENT, new Response(officer));
  });
}

function forgetPages() {
  return caches.keys().then(function (names) {
    return Promise.all(
      names
        .filter(function (name) {
          return name.indexOf(PAGE_CACHE_PREFIX) === 0;
        })
        .map(function (name) {
          return caches.delete(name);
        })
        .concat([setCurrentOfficer("")])
    );
  });
}

function keep(request, response) {
  var officer = response.headers.get(KRK.header);
  if (!officer || response.status !== 200) {
    return Promise.resolve();
  }
  return response.blob().then(function (body) {
    var headers = new Headers(response.headers);
    headers.set("X-KRK-Stored-At", new Date().toISOString());
    var copy = new Response(body, { status: 200, headers: headers });
    return Promise.all([
      caches.open(PAGE_CACHE_PREFIX + officer).then(function (cache) {
        return cache.put(new URL(request.url).pathname, copy);
      }),
      setCurrentOfficer(officer),
    ]);
  });
}

function keptPage(path) {
  return currentOfficer().then(function (officer) {
    if (!officer) {
      return undefined;
    }
    return caches.open(PAGE_CACHE_PREFIX + officer).then(function (cache) {
      return cache.match(path);
    });
  });
}

function page(event, path) {
  return fetch(event.request)
    .then(function (response) {
      event.waitUntil(keep(event.request, response.clone()));
      return response;
    })
    .catch(function (error) {
      return keptPage(path).then(function (kept) {
        if (kept) {
          return kept;
        }
        throw error;
      });
    });
}

function staticFile(event) {
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.match(event.request).then(function (cached) {
      var fresh = fetch(event.request).then(function (response) {
        if (response.ok) {
          cache.put(event.request, response.clone());
        }
        return response;
      });
      if (cached) {
        event.waitUntil(fresh.catch(function () {}));
        return cached;
      }
      return fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method === "POST" && KRK.forgetOn.indexOf(url.pathname) !== -1) {
    // Another officer may be signing in on this phone: nothing kept is theirs.
    event.respondWith(forgetPages().then(function () {
      return fetch(request);
    }));
    return;
  }
  if (request.method !== "GET") {
    return;
  }
  if (request.mode === "navigate" && KRK.offlinePages.indexOf(url.pathname) !== -1) {
    event.respondWith(page(event, url.pathname));
  } else if (KRK.precache.indexOf(url.pathname) !== -1) {
    event.respondWith(staticFile(event));
  }
  // Everything else (public pages, other staff pages, photos) goes to the network untouched.
});

// Background Sync: ask an open page to send the outbox (it holds the officer's session).
self.addEventListener("sync", function (event) {
  if (event.tag === "krk-outbox") {
    event.waitUntil(
      self.clients.matchAll({ type: "window" }).then(function (clients) {
        clients.forEach(function (client) {
          client.postMessage("krk-outbox-send");
        });
      })
    );
  }
});

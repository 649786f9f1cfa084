// Every page: register the service worker (offline entry, static/js/sw.js template),
// tell it who is signed in, and on logout clear everything kept on this device for
// offline use (issue 15). Plain script file: the CSP forbids inline script.
(function () {
  "use strict";
  var body = document.body;
  var user = body.dataset.user || "";

  function pendingCount() {
    var count = 0;
    for (var index = 0; index < window.localStorage.length; index += 1) {
      var key = window.localStorage.key(index);
      if (key && key.indexOf("damha:entry:" + user + ":") === 0) {
        try {
          if ((JSON.parse(window.localStorage.getItem(key)) || {}).pending) {
            count += 1;
          }
        } catch (error) {
          // An unreadable record holds nothing to send.
        }
      }
    }
    return count;
  }

  function clearLocal() {
    var keys = [];
    for (var index = 0; index < window.localStorage.length; index += 1) {
      var key = window.localStorage.key(index);
      if (key && key.indexOf("damha:") === 0) {
        keys.push(key);
      }
    }
    keys.forEach(function (key) { window.localStorage.removeItem(key); });
    window.sessionStorage.clear();
    if (window.indexedDB) {
      window.indexedDB.deleteDatabase("damha-uploads"); // attachments chosen offline
    }
  }

  function clearCaches() {
    if (!window.caches) {
      return Promise.resolve();
    }
    return window.caches.keys().then(function (keys) {
      // Pages and who was signed in go; the public files (Bootstrap, the site's CSS and
      // JS, the "no network" page, rendered for nobody) may stay.
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("damha-pages-") === 0 || key.indexOf("damha-meta-") === 0;
      }).map(function (key) {
        return window.caches.delete(key);
      }));
    });
  }

  function tell(message) {
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage(message);
    }
  }

  if ("serviceWorker" in navigator && body.dataset.swUrl) {
    navigator.serviceWorker.register(body.dataset.swUrl, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var worker = registration.active;
      if (!worker || !user) {
        return;
      }
      worker.postMessage({ type: "user", id: user });
      if (document.getElementById("entry-state") && !body.dataset.offlineCopy) {
        worker.postMessage({ type: "keep", url: window.location.pathname });
      }
    }).catch(function () {
      // No worker (an old browser, a private window): the site works online as before.
    });
  }

  var logout = document.getElementById("logout-form");
  if (logout) {
    logout.addEventListener("submit", function (event) {
      event.preventDefault();
      var pending = pendingCount();
      if (pending && !window.confirm(body.dataset.textLogoutPending)) {
        return;
      }
      document.dispatchEvent(new CustomEvent("damha:logout"));
      clearLocal();
      tell({ type: "logout" });
      var done = function () { logout.submit(); };
      clearCaches().then(done, done);
    });
  }
})();

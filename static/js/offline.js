// The "no network" page: list the entry pages the service worker kept for the user
// signed in on this device (none after a logout, which clears them).
(function () {
  "use strict";
  var list = document.getElementById("offline-pages");
  if (!list || !window.caches) {
    return;
  }
  window.caches.keys().then(function (keys) {
    var meta = keys.filter(function (key) { return key.indexOf("damha-meta-") === 0; })[0];
    if (!meta) {
      return [];
    }
    return window.caches.open(meta).then(function (cache) {
      return cache.match("/__damha/current-user");
    }).then(function (answer) {
      return answer ? answer.text() : "";
    }).then(function (user) {
      var name = keys.filter(function (key) { return key.indexOf("damha-pages-") === 0 && key.slice(-("-u" + user).length) === "-u" + user; })[0];
      if (!user || !name) {
        return [];
      }
      return window.caches.open(name).then(function (cache) { return cache.keys(); });
    });
  }).then(function (requests) {
    requests.forEach(function (request) {
      var path = new URL(request.url).pathname;
      var parts = path.split("/").filter(Boolean); // ["entry", unit, period]
      var item = document.createElement("li");
      item.className = "list-group-item";
      var link = document.createElement("a");
      link.href = path;
      link.textContent = list.dataset.textEntry + " · " + parts[1] + " · " + list.dataset.textPeriod + " " + parts[2];
      item.appendChild(link);
      list.appendChild(item);
    });
    document.getElementById("offline-none").hidden = requests.length > 0;
  }).catch(function () { return null; });
})();

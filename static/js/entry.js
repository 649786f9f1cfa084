// Entry page: recompute the rates and statuses shown beside the inputs as the officer
// types, with the same rules as the server (rate = numerator / denominator × 100, nothing
// when the denominator is 0 or empty; a status holds when all its criteria hold). The
// server stays the authority; this only saves a round trip.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form) {
    return;
  }
  function valueOf(code) {
    var input = form.querySelector("[name='v_" + code + "']");
    if (!input || input.value.trim() === "") {
      return null;
    }
    var number = Number(input.value);
    return Number.isFinite(number) ? number : null;
  }
  function refresh() {
    form.querySelectorAll("[data-rate-numerator]").forEach(function (row) {
      var numerator = valueOf(row.dataset.rateNumerator);
      var denominator = valueOf(row.dataset.rateDenominator);
      var target = row.querySelector(".computed-value");
      if (numerator === null || !denominator) {
        target.textContent = "—";
      } else {
        target.textContent = (numerator / denominator * 100).toFixed(1).replace(".", ",") + "%";
      }
    });
  }
  function judgeStatuses() {
    // A status holds when every criterion holds; a missing figure does not hold.
    form.querySelectorAll("[data-status-criteria]").forEach(function (row) {
      var criteria = JSON.parse(row.dataset.statusCriteria);
      var values = criteria.map(function (criterion) { return valueOf(criterion.code); });
      var target = row.querySelector(".computed-value");
      if (values.every(function (value) { return value === null; })) {
        target.textContent = "—";
        return;
      }
      var held = criteria.every(function (criterion, index) {
        var value = values[index];
        if (value === null) {
          return false;
        }
        return criterion.comparison === "at_least" ? value >= criterion.value : value <= criterion.value;
      });
      target.textContent = held ? row.dataset.labelHeld : row.dataset.labelNotHeld;
    });
  }
  form.addEventListener("input", refresh);
  form.addEventListener("change", judgeStatuses);
  form.addEventListener("input", judgeStatuses);
})();

// Entry that never loses a figure (issue 15). Every change is kept in localStorage
// under the user, unit and period, with the submission version it was typed against:
// - restored when the page opens again ("Đã khôi phục N số liệu chưa lưu", with a way
//   to drop them), unless the server's report has changed since: then both values are
//   shown and the officer chooses;
// - dropped once the server holds the same values at a newer version (a save landed);
// - "Lưu nháp" / "Gửi báo cáo" pressed with no network are queued ("Chờ gửi") and sent
//   as the same form post, with the version typed against, when the network returns:
//   the server checks them as any save (rights, values, version: a conflict shows the
//   stale-version message and overwrites nothing);
// - the session is kept alive while keys are pressed (a light request at most every
//   four minutes); an ended session is said so, and the values wait for the login.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  var state = document.getElementById("entry-state");
  if (!state) {
    return;
  }
  var data = state.dataset;
  var key = "damha:entry:" + data.user + ":" + data.unit + ":" + data.period;
  var serverVersion = Number(data.version);
  if (!form) {
    // Read-only now (sent, awaiting review): what was kept here has reached the server
    // when the server's version is newer than the one it was typed against and the
    // values are those shown. Otherwise it stays, for when the form opens again.
    var kept = null;
    try {
      kept = JSON.parse(window.localStorage.getItem(key));
    } catch (error) {
      kept = null;
    }
    var shown = {};
    document.querySelectorAll("[data-figure]").forEach(function (element) { shown[element.dataset.figure] = element.dataset.value; });
    if (kept && kept.version < serverVersion && Object.keys(kept.values).every(function (name) {
      return name.indexOf("v_") !== 0 || !(name in shown) || String(kept.values[name]).trim() === shown[name];
    })) {
      window.localStorage.removeItem(key);
    }
    var badge = document.getElementById("connection-badge");
    var showConnection = function () {
      badge.textContent = navigator.onLine ? data.textOnline : data.textOffline;
      badge.className = "badge " + (navigator.onLine ? "text-bg-success" : "text-bg-dark");
    };
    window.addEventListener("online", showConnection);
    window.addEventListener("offline", showConnection);
    showConnection();
    return;
  }
  var offlineCopy = document.body.dataset.offlineCopy === "1";
  var versionInput = form.elements.version;
  var KEEPALIVE_MS = 4 * 60 * 1000;
  var lastPing = Date.now();
  var leaving = false;
  var sending = false;

  function fields() {
    return Array.prototype.slice.call(form.querySelectorAll("[name^='v_'], [name^='n_']"));
  }
  function snapshot() {
    var values = {};
    fields().forEach(function (field) { values[field.name] = field.value; });
    return values;
  }
  function normal(name, value) {
    var text = value === undefined || value === null ? "" : String(value).trim();
    if (name.indexOf("v_") === 0 && /^\d+$/.test(text)) {
      return String(Number(text));
    }
    return text;
  }
  function differing(mine, theirs) {
    return Object.keys(mine).filter(function (name) { return normal(name, mine[name]) !== normal(name, theirs[name]); });
  }
  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(key));
    } catch (error) {
      return null;
    }
  }
  function store(record) {
    try {
      window.localStorage.setItem(key, JSON.stringify(record));
    } catch (error) {
      // Storage full or refused (private window): the form still posts as before.
    }
  }
  function drop() {
    window.localStorage.removeItem(key);
  }
  function fill(values) {
    fields().forEach(function (field) {
      if (Object.prototype.hasOwnProperty.call(values, field.name)) {
        field.value = values[field.name];
      }
    });
    form.dispatchEvent(new Event("input"));
    form.dispatchEvent(new Event("change"));
  }
  function labelOf(name) {
    var field = form.elements[name];
    var label = field && field.id ? form.querySelector("label[for='" + field.id + "']") : null;
    var text = label ? label.textContent.replace(/\*/g, "").trim() : name;
    // A note ("Ghi chú") is named with its figure: "Số vụ … (vụ) — Ghi chú".
    return name.indexOf("n_") === 0 ? labelOf("v_" + name.slice(2)) + " — " + text : text;
  }
  function show(id, visible) {
    var element = document.getElementById(id);
    if (element) {
      element.hidden = !visible;
    }
    return element;
  }
  function csrfFromCookie() {
    // A page kept offline may hold a token from before the last login; the cookie is current.
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    var input = form.elements.csrfmiddlewaretoken;
    if (match && input) {
      input.value = decodeURIComponent(match[1]);
    }
  }

  var server = snapshot(); // the server's values (GET), or what was posted (an answered POST)
  var record = load();

  function status() {
    var badge = document.getElementById("connection-badge");
    var detail = document.getElementById("connection-detail");
    var online = navigator.onLine;
    badge.textContent = online ? data.textOnline : data.textOffline;
    badge.className = "badge " + (online ? "text-bg-success" : "text-bg-dark");
    badge.dataset.state = online ? "online" : "offline";
    if (record && record.pending) {
      detail.innerHTML = "";
      var pending = document.createElement("span");
      pending.className = "badge text-bg-warning";
      pending.id = "pending-badge";
      pending.textContent = sending ? data.textSending : data.textPending;
      detail.appendChild(pending);
      detail.appendChild(document.createTextNode(" " + (record.pending.action === "submit" ? data.textQueuedSubmit : data.textQueuedDraft)));
    } else {
      detail.textContent = "";
    }
  }

  function remember() {
    var values = snapshot();
    var changed = differing(values, server);
    if (!changed.length && !(record && record.pending)) {
      record = null;
      drop();
    } else {
      record = {
        version: Number(versionInput.value),
        values: values,
        // What the server sent at that version, to tell the officer's own changes apart.
        base: record ? record.base : server,
        pending: record ? record.pending : null,
        savedAt: Date.now()
      };
      store(record);
    }
    status();
  }

  function ping(force) {
    if (!force && Date.now() - lastPing < KEEPALIVE_MS) {
      return Promise.resolve(true);
    }
    lastPing = Date.now();
    csrfFromCookie();
    return window.fetch(data.keepaliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value, Accept: "application/json" }
    }).then(function (response) {
      if (response.status === 401) {
        show("session-expired", true);
        return false;
      }
      show("session-expired", false);
      return response.ok;
    });
  }

  function send() {
    // The queued press, sent as the same form post once the server answers.
    if (!record || !record.pending || sending || !navigator.onLine) {
      return;
    }
    sending = true;
    status();
    ping(true).then(function (alive) {
      if (!alive) {
        sending = false;
        status();
        return;
      }
      fill(record.values);
      versionInput.value = String(record.version);
      csrfFromCookie();
      leaving = true;
      var button = form.querySelector("button[name='action'][value='" + record.pending.action + "']");
      form.requestSubmit(button);
    }, function () {
      sending = false; // still no network behind the connection: try again later
      status();
    });
  }

  // --- Attachments chosen offline: kept in IndexedDB (files do not fit localStorage) -------
  var uploadForm = document.getElementById("attachment-form");
  var DB_NAME = "damha-uploads";
  function database() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) {
        reject(new Error("no IndexedDB"));
        return;
      }
      var opening = window.indexedDB.open(DB_NAME, 1);
      opening.onupgradeneeded = function () {
        opening.result.createObjectStore("uploads", { keyPath: "id", autoIncrement: true });
      };
      opening.onsuccess = function () { resolve(opening.result); };
      opening.onerror = function () { reject(opening.error); };
    });
  }
  function uploads(mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction("uploads", mode);
        var result = work(transaction.objectStore("uploads"));
        transaction.oncomplete = function () { db.close(); resolve(result && result.result); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }
  function queuedUploads() {
    return uploads("readonly", function (store) { return store.getAll(); }).then(function (all) {
      return (all || []).filter(function (item) { return item.key === key; });
    });
  }
  function showUpload(item, text, className) {
    var list = document.getElementById("attachment-list");
    if (!list) {
      return;
    }
    var row = document.getElementById("upload-" + item.id);
    if (!row) {
      row = document.createElement("li");
      row.id = "upload-" + item.id;
      row.className = "list-group-item queued-upload";
      list.appendChild(row);
    }
    row.textContent = item.name + " — ";
    var badge = document.createElement("span");
    badge.className = "badge " + (className || "text-bg-warning");
    badge.textContent = text;
    row.appendChild(badge);
    var empty = document.getElementById("attachments-empty");
    if (empty) {
      empty.hidden = true;
    }
  }
  var uploading = false;
  function sendUploads() {
    if (!uploadForm || uploading || !navigator.onLine) {
      return Promise.resolve();
    }
    uploading = true;
    return queuedUploads().then(function (items) {
      return items.reduce(function (chain, item) {
        return chain.then(function () {
          var body = new FormData();
          body.append("file", new File([item.blob], item.name, { type: item.type }));
          csrfFromCookie();
          return window.fetch(uploadForm.action, {
            method: "POST",
            body: body,
            credentials: "same-origin",
            headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value, Accept: "application/json" }
          }).then(function (response) {
            if (response.status === 401) {
              show("session-expired", true);
              throw new Error("session ended");
            }
            return response.json().then(function (answer) {
              // Sent, or refused by the server (type, size, rights): either way no longer queued.
              showUpload(item, answer.message, answer.ok ? "text-bg-success" : "text-bg-danger");
              return uploads("readwrite", function (store) { return store.delete(item.id); });
            });
          });
        });
      }, Promise.resolve());
    }).catch(function () { return null; }).then(function () { uploading = false; });
  }
  if (uploadForm) {
    queuedUploads().then(function (items) {
      items.forEach(function (item) { showUpload(item, data.textFileQueued); });
    }).catch(function () { return null; });
    uploadForm.addEventListener("submit", function (event) {
      var input = uploadForm.querySelector("input[type=file]");
      if (navigator.onLine || !input || !input.files.length) {
        return;
      }
      event.preventDefault();
      var file = input.files[0];
      uploads("readwrite", function (store) {
        return store.add({ key: key, name: file.name, type: file.type, blob: file, at: Date.now() });
      }).then(function (id) {
        showUpload({ id: id, name: file.name }, data.textFileQueued);
        input.value = "";
      }).catch(function () { return null; });
    });
  }

  // --- What the page opened with ------------------------------------------------------------
  if (data.answeredPost === "1") {
    // The server answered a save: refused (a value, a rule, a conflict) or from a stale
    // version. What the officer posted is in the form; keep it, nothing is queued now.
    record = { version: Number(versionInput.value), values: snapshot(), base: null, pending: null, savedAt: Date.now() };
    store(record);
  } else if (record) {
    var mine = differing(record.values, server);
    if (record.version < serverVersion) {
      // Only what the officer changed counts (a field left as the server sent it takes
      // the newer server's value): the figures changed here that the server has otherwise.
      if (record.base) {
        mine = differing(record.values, record.base).filter(function (name) { return mine.indexOf(name) !== -1; });
      }
      if (!mine.length) {
        record = null; // the save landed: the server has these values at a newer version
        drop();
      } else {
        // Changed on the server since these were typed: never restore them silently.
        var list = document.getElementById("server-newer-list");
        mine.forEach(function (name) {
          var item = document.createElement("li");
          item.textContent = labelOf(name) + ": " + data.textMine + " " + (record.values[name] || data.textEmpty) + " · " + data.textServer + " " + (server[name] || data.textEmpty);
          list.appendChild(item);
        });
        record.pending = null;
        store(record);
        show("server-newer", true);
        document.getElementById("server-newer-use-mine").addEventListener("click", function () {
          var chosen = {};
          mine.forEach(function (name) { chosen[name] = record.values[name]; });
          record.version = serverVersion;
          record.base = server;
          fill(chosen);
          record.values = snapshot();
          store(record);
          show("server-newer", false);
          status();
        });
        document.getElementById("server-newer-discard").addEventListener("click", function () {
          record = null;
          drop();
          show("server-newer", false);
          status();
        });
      }
    } else if (!mine.length && !record.pending) {
      record = null;
      drop();
    } else {
      fill(record.values);
      versionInput.value = String(record.version);
      if (mine.length) {
        var text = document.getElementById("restore-text");
        text.textContent = data.textRestored.replace("%(count)s", String(mine.length));
        show("restore-notice", true);
        document.getElementById("restore-discard").addEventListener("click", function () {
          var keep = record && record.pending;
          fill(server);
          versionInput.value = String(serverVersion);
          record = null;
          drop();
          show("restore-notice", false);
          if (keep) {
            status();
          }
          status();
        });
      }
    }
  }
  if (offlineCopy) {
    var copy = show("offline-copy", true);
    copy.textContent = data.textOfflineCopy;
    document.querySelectorAll(".messages").forEach(function (element) { element.hidden = true; });
  }
  status();

  // --- While the page is open ---------------------------------------------------------------
  form.addEventListener("input", function () {
    remember();
    ping(false).catch(function () { return null; });
  });
  form.addEventListener("change", remember);

  form.addEventListener("submit", function (event) {
    var action = event.submitter && event.submitter.name === "action" ? event.submitter.value : "draft";
    csrfFromCookie();
    if (!navigator.onLine) {
      event.preventDefault();
      record = {
        version: Number(versionInput.value),
        values: snapshot(),
        base: record ? record.base : server,
        pending: { action: action, at: Date.now() },
        savedAt: Date.now()
      };
      store(record);
      status();
      return;
    }
    leaving = true;
    remember();
  });

  // Queued figures first (a file sent first would create the report and make the
  // figures' version stale); files go from the page the save lands on.
  function sendQueued() {
    if (record && record.pending) {
      send();
    } else {
      sendUploads();
    }
  }
  window.addEventListener("online", function () {
    status();
    sendQueued();
  });
  window.addEventListener("offline", status);
  // "online" can be missed (a phone asleep); look again now and then.
  window.setInterval(function () {
    status();
    sendQueued();
  }, 5000);

  window.addEventListener("beforeunload", function (event) {
    if (leaving || !record) {
      return;
    }
    event.preventDefault();
    event.returnValue = data.textLeave;
  });
  document.addEventListener("damha:logout", function () { leaving = true; });

  if (navigator.onLine && !offlineCopy) {
    sendQueued();
  }
})();

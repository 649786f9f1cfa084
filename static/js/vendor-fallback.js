// Bootstrap and Chart.js come from the pinned CDN by default. Where the CDN does not
// load (an office without internet), put in the local copy named by the tag's
// data-fallback, with the same SRI hash (the npm tarball and the CDN serve the same
// bytes). A plain script file, not an inline handler: the CSP forbids inline script.
// Loaded without defer right after the vendor tags so that it hears their errors.
(function () {
  "use strict";
  var swapped = {};

  function swap(element) {
    var name = element.dataset.vendor;
    if (!element.dataset.fallback || swapped[name]) {
      return;
    }
    swapped[name] = true;
    var copy;
    if (element.tagName === "LINK") {
      copy = document.createElement("link");
      copy.rel = "stylesheet";
      copy.href = element.dataset.fallback;
    } else {
      copy = document.createElement("script");
      copy.src = element.dataset.fallback;
      copy.async = false;
      copy.addEventListener("load", function () {
        document.dispatchEvent(new CustomEvent("damha:vendor-loaded", { detail: name }));
      });
    }
    copy.integrity = element.integrity;
    copy.crossOrigin = "anonymous";
    element.parentNode.insertBefore(copy, element.nextSibling);
  }

  // Errors of <link> and <script> do not bubble, but they pass the document on the
  // way down (capture), also for tags parsed after this script.
  document.addEventListener("error", function (event) {
    var element = event.target;
    if (element && element.dataset && element.dataset.fallback) {
      swap(element);
    }
  }, true);

  // A check once everything has loaded or failed, in case an error came before the
  // listener above: Bootstrap's CSS hides .d-none; its JS and Chart.js set globals.
  window.addEventListener("load", function () {
    document.querySelectorAll("[data-fallback]").forEach(function (element) {
      var name = element.dataset.vendor;
      var missing = false;
      if (name === "bootstrap_css") {
        var probe = document.createElement("div");
        probe.className = "d-none";
        document.body.appendChild(probe);
        missing = window.getComputedStyle(probe).display !== "none";
        probe.remove();
      } else if (name === "bootstrap_js") {
        missing = typeof window.bootstrap === "undefined";
      } else if (name === "chartjs") {
        missing = typeof window.Chart === "undefined";
      }
      if (missing) {
        swap(element);
      }
    });
  });
})();

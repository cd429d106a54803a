// Registers the service worker, asks for persistent storage, estimates how
// much of the browser's quota the app uses (at load and whenever the app
// fires "tsunagu-check-storage", after saves and syncs), and tells the app
// (through window events it listens to) when a new version is ready.
// The app answers "tsunagu-apply-update" when the user taps reload.
(function () {
  "use strict";
  function announce(name, value) {
    window["tsunagu_" + name] = value;
    window.dispatchEvent(new CustomEvent("tsunagu-" + name, { detail: value }));
  }
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persist().then(
      function (granted) { announce("storage", granted ? "persistent" : "best-effort"); },
      function () { announce("storage", "best-effort"); }
    );
  }
  function estimate() {
    if (!navigator.storage || !navigator.storage.estimate) return;
    navigator.storage.estimate().then(function (e) {
      if (e && e.quota) announce("usage", (e.usage || 0) + " " + e.quota);
    }, function () {});
  }
  estimate();
  window.addEventListener("tsunagu-check-storage", estimate);
  if (!("serviceWorker" in navigator)) return;
  var reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", function () {
    if (reloading) { reloading = false; window.location.reload(); }
  });
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function (registration) {
    function offer(worker) {
      if (!worker) return;
      function check() {
        // Only an update: the very first install has no controller yet.
        if (worker.state === "installed" && navigator.serviceWorker.controller) {
          announce("update", "ready");
        }
      }
      worker.addEventListener("statechange", check);
      check();
    }
    offer(registration.waiting);
    registration.addEventListener("updatefound", function () { offer(registration.installing); });
    window.addEventListener("tsunagu-apply-update", function () {
      if (registration.waiting) {
        reloading = true;
        registration.waiting.postMessage("skip-waiting");
      } else {
        window.location.reload();
      }
    });
    announce("service-worker", "registered");
  }, function (error) {
    announce("service-worker", "failed: " + error);
  });
})();

// Progressive enhancement of the search page: links and the search box load the next page
// without a full reload (the server renders it; we swap <main>), search as you type, and the
// URL always holds the whole state (history works). Without JavaScript everything is plain
// links and a GET form.
(function () {
  "use strict";
  var form = document.querySelector(".searchbox");
  if (!form || !window.fetch || !window.DOMParser || !history.pushState) return;
  var input = form.querySelector("input[name=q]");
  var timer = null, current = null;

  function formUrl() {
    var params = new URLSearchParams(new FormData(form));
    if (!params.get("q")) params.delete("q");
    var s = params.toString();
    return "/" + (s ? "?" + s : "");
  }

  function load(url, how, fromTyping) {
    var main = document.getElementById("main");
    if (current) current.abort();
    var controller = current = new AbortController();
    main.classList.add("loading");
    return fetch(url, { signal: controller.signal, headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (controller !== current) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var next = doc.getElementById("main");
        if (!next) { window.location.href = url; return; }
        document.getElementById("main").replaceWith(next);
        document.title = doc.title;
        var state = doc.getElementById("state");
        if (state) document.getElementById("state").replaceWith(state);
        var q = doc.querySelector(".searchbox input[name=q]");
        if (q && !fromTyping) input.value = q.value;
        if (how === "push") history.pushState(null, "", url);
        else if (how === "replace") history.replaceState(null, "", url);
        if (how === "push" && !fromTyping) window.scrollTo(0, 0);
      })
      .catch(function (e) { if (e.name !== "AbortError") window.location.href = url; })
      .finally(function () {
        if (controller === current) { current = null; var m = document.getElementById("main"); if (m) m.classList.remove("loading"); }
      });
  }

  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[data-nav]");
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (window.location.pathname !== "/" && a.pathname === "/") return;  // from an article: a real load
    e.preventDefault();
    load(a.href, "push");
  });

  form.addEventListener("submit", function (e) {
    if (window.location.pathname !== "/") return;
    e.preventDefault();
    clearTimeout(timer);
    load(formUrl(), "push");
  });

  // Search as you type: replaceState while typing (one history entry per search, not per key).
  var typedFrom = null;
  input.addEventListener("input", function () {
    if (window.location.pathname !== "/") return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      var url = formUrl();
      if (typedFrom === null) { typedFrom = url; load(url, "push", true); }
      else load(url, "replace", true);
    }, 300);
  });
  input.addEventListener("blur", function () { typedFrom = null; });

  window.addEventListener("popstate", function () {
    if (window.location.pathname === "/") load(window.location.href, null);
  });
})();

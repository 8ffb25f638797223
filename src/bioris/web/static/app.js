// The viewer's shell: client-side routing (history.pushState) over four views.

import { getJSON, getMeta } from "./api.js";
import { el, errorBox } from "./dom.js";
import * as deals from "./deals.js";
import * as network from "./network.js";
import * as profile from "./profile.js";
import * as regions from "./regions.js";

const ROUTES = [
  { name: "network", pattern: /^\/$/, view: network, title: "Network" },
  { name: "actor", pattern: /^\/actor\/([^/]+)\/?$/, view: profile, title: "Actor" },
  { name: "deals", pattern: /^\/deals\/?$/, view: deals, title: "Deals" },
  { name: "regions", pattern: /^\/regions\/?$/, view: regions, title: "Regions" },
];

let current = { cleanup: null, controller: null };
let renderCount = 0;

function match(pathname) {
  for (const route of ROUTES) {
    const found = pathname.match(route.pattern);
    if (found) return { route, args: found.slice(1).map((part) => decodeURIComponent(part)) };
  }
  return null;
}

/** Go to a path of this viewer; replace=true for state changes that should not add history. */
export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  return render({ focus: !replace });
}

/** Update the address bar's query string (the view's state) without re-rendering; an array
 * repeats its key. */
export function setQuery(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== "") search.append(key, String(item));
    }
  }
  const text = search.toString();
  history.replaceState(null, "", location.pathname + (text ? `?${text}` : ""));
}

function markNavigation(name) {
  for (const link of document.querySelectorAll("nav a[data-route]")) {
    if (link.dataset.route === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function render({ focus = false } = {}) {
  const app = document.getElementById("app");
  current.controller?.abort();
  try {
    current.cleanup?.();
  } catch (error) {
    console.warn("cleanup failed", error);
  }
  const controller = new AbortController();
  current = { cleanup: null, controller };
  const count = ++renderCount;
  app.replaceChildren();
  app.removeAttribute("aria-busy");

  const found = match(location.pathname);
  if (!found) {
    markNavigation(null);
    document.title = "Not found · bioris";
    app.append(
      el("h1", { text: "Page not found" }),
      el("p", {}, "There is no page at this address. ", el("a", { href: "/", text: "Back to the network" }), "."),
    );
    return;
  }
  markNavigation(found.route.name === "actor" ? null : found.route.name);
  document.title = `${found.route.title} · bioris`;
  const context = {
    args: found.args,
    params: new URLSearchParams(location.search),
    signal: controller.signal,
    navigate: (url, options) => (controller.signal.aborted ? null : navigate(url, options)),
    // A view that has been left must not touch the address bar or the title any more.
    setQuery: (params) => controller.signal.aborted || setQuery(params),
    setTitle: (title) => {
      if (!controller.signal.aborted) document.title = `${title} · bioris`;
    },
  };
  app.setAttribute("aria-busy", "true");
  try {
    const cleanup = await found.route.view.render(app, context);
    if (count !== renderCount) {
      cleanup?.();
      return;
    }
    current.cleanup = typeof cleanup === "function" ? cleanup : null;
  } catch (error) {
    if (error?.name === "AbortError" || count !== renderCount) return;
    console.warn(error);
    app.append(el("h1", { text: "This page could not be loaded" }), errorBox(error));
  } finally {
    if (count === renderCount) app.removeAttribute("aria-busy");
  }
  if (focus && count === renderCount) {
    window.scrollTo(0, 0);
    const heading = app.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
    }
  }
}

// Same-origin links to a view are handled here; others (sources, CSV download) are left alone.
document.addEventListener("click", (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest("a[href]");
  if (!link || link.target || link.hasAttribute("download")) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !match(url.pathname)) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});

window.addEventListener("popstate", () => render());

// How often an open page asks whether the store changed under the server, in ms.
const FRESHNESS_CHECK_MS = 60000;

/** The note that the server shows the store as it was when it started. */
function showDataChanged() {
  if (document.getElementById("data-changed")) return;
  const note = el(
    "p",
    { id: "data-changed", class: "data-changed", role: "status" },
    "The store changed since the server started: restart ",
    el("code", { text: "bioris serve" }),
    " to see the new data.",
  );
  document.querySelector(".topbar")?.after(note);
}

async function checkFreshness() {
  try {
    const meta = await getJSON("/api/meta");
    if (meta?.data_changed) showDataChanged();
    else setTimeout(checkFreshness, FRESHNESS_CHECK_MS);
  } catch {
    setTimeout(checkFreshness, FRESHNESS_CHECK_MS);
  }
}

async function showDataset() {
  try {
    const meta = await getMeta();
    if (meta?.data_changed) showDataChanged();
    else setTimeout(checkFreshness, FRESHNESS_CHECK_MS);
    const label = document.getElementById("dataset-label");
    if (label && meta) {
      // The study this store holds, and the years it covers.
      const period = meta.study?.period;
      const years = Array.isArray(period) ? ` · ${period[0]}–${period[1]}` : "";
      label.textContent = `${meta.study?.name ?? meta.dataset ?? "store"}${years}`;
      if (meta.study?.description) label.title = meta.study.description;
    }
  } catch (error) {
    console.warn("meta unavailable", error);
  }
}

showDataset();
render();

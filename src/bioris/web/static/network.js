// Network explorer (/): the network of one year, a year slider, a window, the layers of ties
// (the study's network layers by default), filters, Play through the years (positions and
// axes stay put), and the year's top partners among the study's panel firms.

import { ApiError, getJSON, getMeta } from "./api.js";
import {
  PLOT_CONFIG,
  actorLink,
  actorPath,
  appendChildren,
  baseLayout,
  dataTable,
  drawChart,
  el,
  errorBox,
  field,
  formatNumber,
  humanise,
  options,
  plotlyReady,
  plotlyText,
  purgeCharts,
} from "./dom.js";

const PLAY_STEP_MS = 1000;
const PRELOAD_MAX_NODES = 2000; // beyond this, years load on demand only
const PRELOAD_CONCURRENCY = 3;
const LABELLED_NODES = 6;
const WINDOWS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function intParam(params, name, fallback, min, max) {
  const value = Number.parseInt(params.get(name) ?? "", 10);
  if (!Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}

export async function render(app, ctx) {
  const meta = await getMeta();
  if (ctx.signal.aborted) return null;
  const defaultWindow = Math.min(10, Math.max(1, Number(meta.settings?.default_window) || 5));
  // The study's layers (name -> deal types) and the ones its network uses by default.
  const layerTypes = new Map((meta.study?.layers || []).map((l) => [l.name, l.deal_types || []]));
  const defaultLayers = (meta.study?.network_layers || []).filter((name) => layerTypes.has(name));
  const askedLayers = ctx.params.getAll("layer").filter((name) => layerTypes.has(name));

  const state = {
    year: intParam(ctx.params, "year", null, 1800, 2200),
    window: intParam(ctx.params, "window", defaultWindow, 1, 10),
    region: ctx.params.get("region") || "",
    kind: ctx.params.get("kind") || "",
    deal_type: ctx.params.get("deal_type") || "",
    layers: askedLayers.length ? askedLayers : [...defaultLayers],
    years: [],
    playing: false,
    alive: true,
  };
  const cache = new Map(); // filter key + year -> Promise<network>
  const extents = new Map(); // filter key -> {x: [min, max], y: [min, max]}
  const preloads = new Map(); // filter key -> Promise
  let shown = null; // the network on screen
  let drawToken = 0;
  let partnersTimer = null;
  let partnersToken = 0;
  let clickBound = false;

  // ---- DOM ---------------------------------------------------------------------------------
  const yearInput = el("input", {
    type: "range", id: "net-year", min: 0, max: 0, step: 1, value: 0, disabled: true,
    "aria-describedby": "net-year-label",
  });
  const yearLabel = el("output", { id: "net-year-label", for: "net-year", class: "year-label", text: "—" });
  const windowSelect = el("select", { id: "net-window" },
    WINDOWS.map((w) => el("option", { value: w, text: w === 1 ? "1 year" : `${w} years`, selected: w === state.window })));
  const regionSelect = el("select", { id: "net-region" }, options(meta.regions, { any: "All regions", selected: state.region, label: String }));
  const kindSelect = el("select", { id: "net-kind" }, options(meta.kinds, { any: "All kinds", selected: state.kind }));
  const dealSelect = el("select", { id: "net-deal-type" });
  const layerBoxes = [...layerTypes.keys()].map((name) => el("input", {
    type: "checkbox", id: `net-layer-${name}`, name: "layer", value: name, checked: state.layers.includes(name),
  }));
  const layerField = el(
    "fieldset",
    { class: "field layers", id: "net-layers" },
    el("legend", { text: "Ties (layers)" }),
    layerBoxes.map((box) => {
      const types = layerTypes.get(box.value);
      // A short layer says what it holds ("ma (acquisition)"); every layer says it on hover.
      const shown = types.length && types.length <= 2 ? `${box.value} (${types.map(humanise).join(", ")})` : box.value;
      return el("label", { class: "check", title: types.map(humanise).join(", ") }, box, ` ${shown}`);
    }),
  );
  /** The deal types of the chosen layers, for the deal-type filter. */
  function fillDealTypes() {
    const types = new Set(state.layers.flatMap((name) => layerTypes.get(name) || []));
    const shown = (meta.deal_types || []).filter((type) => types.has(type));
    if (!shown.includes(state.deal_type)) state.deal_type = "";
    dealSelect.replaceChildren(...options(shown, { any: "All deal types", selected: state.deal_type }));
  }
  fillDealTypes();
  const playButton = el("button", { type: "button", id: "net-play", class: "primary", "aria-pressed": "false", disabled: true, text: "▶ Play" });
  const summary = el("p", { id: "net-summary", class: "status", role: "status", "aria-live": "polite", text: "Loading the network…" });
  const reducedNote = el("p", { id: "net-reduced", class: "reduced-note", role: "note", hidden: true });
  const plot = el("div", { id: "network-plot", class: "plot network-plot", "aria-label": "Alliance network chart; click a node to open its profile" });
  const legend = el("ul", { class: "legend", "aria-label": "Node colours" });
  const partnersBox = el("div", { id: "net-partners" }, el("p", { class: "muted", text: "Loading…" }));
  const partnersTitle = el("h2", { id: "net-partners-title", text: "Top partners" });
  const actorsList = el("ul", { class: "actor-list", id: "net-actors" });
  const actorsSummary = el("summary", { text: "Actors in this network" });
  const errorSlot = el("div");

  const controls = el(
    "form",
    { class: "controls", "aria-label": "Network settings", onsubmit: (event) => event.preventDefault() },
    el("div", { class: "field field-wide" },
      el("label", { for: "net-year", text: "Year" }), el("div", { class: "slider" }, yearInput, yearLabel)),
    field("Window (years a deal counts)", windowSelect),
    layerField,
    field("Region", regionSelect),
    field("Actor kind", kindSelect),
    field("Deal type", dealSelect),
    el("div", { class: "field field-button" }, playButton),
  );

  app.append(
    el("div", { class: "page-head" },
      el("h1", { text: "Network of ties" }),
      el("p", { class: "lede", text: "Who is tied to whom in a year: deals of the chosen layers signed within the window before it (an acquired or closed firm's ties end with it). Node size follows degree; colours are the study's regions; click a node for its profile." })),
    controls,
    errorSlot,
    el("div", { class: "network-layout" },
      el("div", { class: "card plot-card" }, summary, reducedNote, plot, legend,
        el("details", { class: "actors" }, actorsSummary, actorsList)),
      el("aside", { class: "card side", "aria-labelledby": "net-partners-title" }, partnersTitle, partnersBox)),
  );

  // ---- data --------------------------------------------------------------------------------
  const filterKey = () => JSON.stringify([state.window, state.layers, state.region, state.kind, state.deal_type]);
  const networkParams = (year) => ({
    year, window: state.window, layer: state.layers, region: state.region, kind: state.kind, deal_type: state.deal_type,
  });

  function fetchNetwork(year) {
    const fkey = filterKey();
    const key = `${fkey}|${year ?? ""}`;
    if (!cache.has(key)) {
      const promise = getJSON("/api/network", networkParams(year), { signal: ctx.signal }).then((net) => {
        growExtent(fkey, net);
        if (year === null && net && net.year !== undefined) cache.set(`${fkey}|${net.year}`, promise);
        return net;
      });
      promise.catch(() => cache.delete(key));
      cache.set(key, promise);
    }
    return cache.get(key);
  }

  function growExtent(key, net) {
    const nodes = net?.nodes || [];
    if (!nodes.length) return false;
    const old = extents.get(key);
    const next = old ? { x: [...old.x], y: [...old.y] } : { x: [Infinity, -Infinity], y: [Infinity, -Infinity] };
    for (const node of nodes) {
      if (!Number.isFinite(node.x) || !Number.isFinite(node.y)) continue;
      next.x = [Math.min(next.x[0], node.x), Math.max(next.x[1], node.x)];
      next.y = [Math.min(next.y[0], node.y), Math.max(next.y[1], node.y)];
    }
    const changed = !old || next.x.some((v, i) => v !== old.x[i]) || next.y.some((v, i) => v !== old.y[i]);
    if (changed) extents.set(key, next);
    return changed;
  }

  function axisRange([lo, hi]) {
    if (!Number.isFinite(lo)) return [-1, 1];
    const span = Math.max(hi - lo, 1e-6);
    const pad = span * 0.08 + 0.02;
    return [lo - pad, hi + pad];
  }

  /** Fetch every year of the current filters, so the axes cover them all before playing. */
  function preloadYears() {
    const key = filterKey();
    if (preloads.has(key)) return preloads.get(key);
    const years = [...state.years];
    const job = (async () => {
      let next = 0;
      const worker = async () => {
        while (next < years.length && state.alive && filterKey() === key) {
          const year = years[next++];
          try {
            await fetchNetwork(year);
          } catch (error) {
            if (error.name === "AbortError") return;
            throw error;
          }
        }
      };
      await Promise.all(Array.from({ length: PRELOAD_CONCURRENCY }, worker));
    })();
    job.catch(() => preloads.delete(key));
    preloads.set(key, job);
    return job;
  }

  // ---- drawing -----------------------------------------------------------------------------
  function nodeSize(degree) {
    return Math.min(42, 7 + 4 * Math.sqrt(Math.max(0, Number(degree) || 0)));
  }

  function legendLabel(nodes) {
    // One entry per location group (the API gives each its fixed colour), largest first.
    const groups = new Map();
    for (const node of nodes) {
      const label = node.group || "Unknown";
      if (!groups.has(label)) groups.set(label, { colour: node.colour || "#888888", count: 0 });
      groups.get(label).count += 1;
    }
    return [...groups.entries()]
      .map(([label, g]) => ({ colour: g.colour, label, count: g.count }))
      .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  }

  function drawLegend(nodes) {
    legend.replaceChildren(
      ...legendLabel(nodes).map(({ colour, label, count }) => {
        const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
        swatch.style.backgroundColor = colour; // CSSOM, allowed under the CSP
        return el("li", {}, swatch, `${label} (${count})`);
      }),
    );
  }

  function drawActors(nodes) {
    const sorted = [...nodes].sort((a, b) => (b.degree || 0) - (a.degree || 0) || String(a.name).localeCompare(String(b.name)));
    actorsSummary.textContent = `Actors in this network (${sorted.length})`;
    actorsList.replaceChildren(
      ...sorted.map((node) => el("li", {}, actorLink(node.id, node.name), el("span", { class: "muted", text: ` · degree ${formatNumber(node.degree)}` }))),
    );
  }

  function figure(net) {
    const nodes = net.nodes || [];
    const byId = new Map(nodes.map((node) => [node.id, node]));
    const ex = [];
    const ey = [];
    for (const edge of net.edges || []) {
      const a = byId.get(edge.source);
      const b = byId.get(edge.target);
      if (!a || !b) continue;
      ex.push(a.x, b.x, null);
      ey.push(a.y, b.y, null);
    }
    const labelled = new Set(
      [...nodes].sort((a, b) => (b.degree || 0) - (a.degree || 0)).slice(0, LABELLED_NODES).filter((n) => (n.degree || 0) > 0).map((n) => n.id),
    );
    const short = (name) => (name.length > 22 ? `${name.slice(0, 21)}…` : name);
    const extent = extents.get(filterKey()) || { x: [-1, 1], y: [-1, 1] };
    const edges = {
      type: "scatter", mode: "lines", name: "ties", x: ex, y: ey,
      line: { color: "rgba(90, 100, 115, 0.35)", width: 1 }, hoverinfo: "skip", showlegend: false,
    };
    const points = {
      type: "scatter", mode: "markers+text", name: "actors",
      x: nodes.map((n) => n.x), y: nodes.map((n) => n.y),
      text: nodes.map((n) => (labelled.has(n.id) ? plotlyText(short(String(n.name ?? n.id))) : "")),
      textposition: "top center", textfont: { size: 10, color: "#2b3540" },
      customdata: nodes.map((n) => [
        n.id, plotlyText(n.name ?? n.id), plotlyText(humanise(n.kind)), plotlyText(n.location ?? "—"),
        formatNumber(n.degree), formatNumber(n.betweenness),
      ]),
      hovertemplate: "%{customdata[1]}<br>%{customdata[2]} · %{customdata[3]}<br>degree %{customdata[4]} · betweenness %{customdata[5]}<extra></extra>",
      marker: {
        color: nodes.map((n) => n.colour || "#888888"),
        size: nodes.map((n) => nodeSize(n.degree)),
        line: { color: "#ffffff", width: 1 },
        opacity: 0.95,
      },
      showlegend: false,
    };
    const layout = baseLayout({
      margin: { l: 8, r: 8, t: 8, b: 8 },
      xaxis: { range: axisRange(extent.x), visible: false, zeroline: false, showgrid: false },
      yaxis: { range: axisRange(extent.y), visible: false, zeroline: false, showgrid: false },
      hovermode: "closest",
      dragmode: "pan",
      uirevision: filterKey(), // keep the user's zoom while years change
      showlegend: false,
    });
    return { data: [edges, points], layout };
  }

  async function draw(net) {
    shown = net;
    const { data, layout } = figure(net);
    await drawChart(plot, data, layout, { ...PLOT_CONFIG, scrollZoom: true });
    if (!clickBound && plotlyReady() && typeof plot.on === "function") {
      clickBound = true;
      plot.on("plotly_click", (event) => {
        const point = (event?.points || []).find((p) => p.data?.name === "actors");
        if (point && point.customdata) ctx.navigate(actorPath(point.customdata[0]));
      });
    }
    plot.dataset.year = String(net.year ?? "");
    plot.dataset.nodes = String((net.nodes || []).length);
    drawLegend(net.nodes || []);
    drawActors(net.nodes || []);
  }

  function describe(net) {
    const first = net.year - (net.window ?? state.window) + 1;
    const span = first === net.year ? `deals signed in ${net.year}` : `deals signed ${first}–${net.year}`;
    const nodes = (net.nodes || []).length;
    const edges = (net.edges || []).length;
    summary.textContent = nodes
      ? `${net.year}: ${nodes} actor${nodes === 1 ? "" : "s"}, ${edges} tie${edges === 1 ? "" : "s"} (${span}).`
      : `${net.year}: no ties (${span}).`;
    describeReduction(net.reduced);
  }

  /** A snapshot over the server's response limit holds only its top actors: say which. */
  function describeReduction(reduced) {
    reducedNote.hidden = !reduced;
    if (!reduced) {
      reducedNote.textContent = "";
      return;
    }
    reducedNote.textContent =
      `Reduced: showing ${formatNumber(reduced.actors_shown)} of ${formatNumber(reduced.actors)} actors ` +
      `and ${formatNumber(reduced.ties_shown)} of ${formatNumber(reduced.ties)} ties. ` +
      `The whole network is larger than the server sends at once (max_response_kb=${reduced.max_response_kb}); ` +
      `this map shows ${reduced.rule}. Narrow the filters (region, actor kind, deal type) to see every actor.`;
  }

  function syncSlider() {
    const years = state.years;
    yearInput.max = String(Math.max(0, years.length - 1));
    yearInput.disabled = years.length < 2;
    playButton.disabled = years.length < 2;
    const index = Math.max(0, years.indexOf(state.year));
    yearInput.value = String(index);
    yearInput.setAttribute("aria-valuetext", String(state.year ?? ""));
    yearLabel.textContent = state.year ?? "—";
  }

  function saveQuery() {
    const usual = state.layers.length === defaultLayers.length && state.layers.every((name) => defaultLayers.includes(name));
    ctx.setQuery({
      year: state.year, window: state.window === defaultWindow ? "" : state.window,
      layer: usual ? [] : state.layers, region: state.region, kind: state.kind, deal_type: state.deal_type,
    });
  }

  /** Show a year (null: the API's default year); returns false when superseded. */
  async function show(year, snapped = false) {
    const token = ++drawToken;
    if (plot.dataset.key !== filterKey()) {
      plot.dataset.key = filterKey();
      delete plot.dataset.preloaded;
    }
    errorSlot.replaceChildren();
    let net;
    try {
      net = await fetchNetwork(year);
    } catch (error) {
      if (error.name === "AbortError") return false;
      if (year !== null && error instanceof ApiError && error.status === 400) {
        net = await fetchNetwork(null); // the year is outside these filters: the API's default
      } else {
        if (token === drawToken) errorSlot.replaceChildren(errorBox(error));
        return false;
      }
    }
    if (token !== drawToken || !state.alive) return false;
    state.years = Array.isArray(net.years) ? net.years.map(Number) : [];
    if (state.years.length && !state.years.includes(net.year) && year !== null && !snapped) {
      // A year without ties (from the address bar, or after a filter change): the nearest one.
      const nearest = state.years.reduce((best, y) => (Math.abs(y - year) < Math.abs(best - year) ? y : best));
      return show(nearest, true);
    }
    state.year = net.year;
    syncSlider();
    describe(net);
    await draw(net);
    saveQuery();
    schedulePartners();
    maybePreload(net);
    return true;
  }

  function maybePreload(net) {
    if ((net.nodes || []).length > PRELOAD_MAX_NODES || state.years.length < 2) return;
    const key = filterKey();
    preloadYears().then(async () => {
      if (!state.alive || key !== filterKey()) return;
      // Redraw once if the other years widened the axes (before anyone plays).
      if (shown && !state.playing) await draw(shown);
      plot.dataset.preloaded = "true"; // the axes now cover every year of these filters
    }, () => {});
  }

  // ---- partners panel ----------------------------------------------------------------------
  function schedulePartners() {
    clearTimeout(partnersTimer);
    partnersTimer = setTimeout(loadPartners, state.playing ? 0 : 250);
  }

  async function loadPartners() {
    const token = ++partnersToken;
    const year = state.year;
    const region = state.region || "";
    partnersTitle.textContent = region ? `Top partners in ${region}, ${year}` : `Top partners, ${year}`;
    let answer;
    try {
      answer = await getJSON("/api/partners", { year, window: state.window, top: 10, region, layer: state.layers }, { signal: ctx.signal });
    } catch (error) {
      if (error.name === "AbortError" || token !== partnersToken) return;
      partnersBox.replaceChildren(errorBox(error));
      return;
    }
    if (token !== partnersToken || !state.alive) return;
    const items = answer.items || [];
    partnersBox.replaceChildren();
    appendChildren(partnersBox, [
      dataTable({
        className: "data compact",
        columns: [
          { key: "rank", label: "#", numeric: true },
          { key: "name", label: "Panel firm", render: (r) => actorLink(r.actor_id, r.name) },
          { key: "big_pharma_partners", label: "Pharma", numeric: true, title: "Big-pharma partners" },
          { key: "distinct_partners", label: "Partners", numeric: true, title: "Distinct partners" },
          { key: "active_alliances", label: "Deals", numeric: true, title: "Active alliances" },
        ],
        rows: items,
        empty: region ? `No panel firm in ${region} had an active tie in ${year}.` : `No panel firm had an active tie in ${year}.`,
      }),
      answer.rule ? el("p", { class: "hint", text: answer.rule }) : null,
      state.kind || state.deal_type
        ? el("p", { class: "hint", text: "The ranking counts every kind of partner and every deal type of the chosen layers." })
        : null,
    ]);
  }

  // ---- play --------------------------------------------------------------------------------
  function setPlaying(on) {
    state.playing = on;
    playButton.textContent = on ? "❚❚ Pause" : "▶ Play";
    playButton.setAttribute("aria-pressed", on ? "true" : "false");
  }

  let playRun = 0; // a Pause then Play must not leave two loops stepping

  async function play() {
    if (state.playing) {
      setPlaying(false);
      return;
    }
    setPlaying(true);
    const run = ++playRun;
    const key = filterKey();
    if (shown && (shown.nodes || []).length <= PRELOAD_MAX_NODES) {
      if (plot.dataset.preloaded !== "true") summary.textContent = "Loading every year…";
      try {
        await preloadYears();
      } catch (error) {
        if (error.name !== "AbortError") errorSlot.replaceChildren(errorBox(error));
        if (run === playRun) setPlaying(false);
        return;
      }
    }
    const going = () => run === playRun && state.playing && state.alive && key === filterKey();
    let index = state.years.indexOf(state.year);
    if (index < 0 || index >= state.years.length - 1) index = -1; // at the end: start over
    while (going() && index < state.years.length - 1) {
      index += 1;
      const started = performance.now();
      if (!(await show(state.years[index]))) break;
      await sleep(Math.max(0, PLAY_STEP_MS - (performance.now() - started)));
    }
    if (run === playRun) setPlaying(false);
  }

  // ---- events ------------------------------------------------------------------------------
  yearInput.addEventListener("input", () => {
    const year = state.years[Number(yearInput.value)];
    if (year === undefined) return;
    setPlaying(false);
    yearLabel.textContent = year;
    yearInput.setAttribute("aria-valuetext", String(year));
    show(year);
  });
  windowSelect.addEventListener("change", () => {
    state.window = Number(windowSelect.value);
    setPlaying(false);
    show(state.year);
  });
  for (const box of layerBoxes) {
    box.addEventListener("change", () => {
      const chosen = layerBoxes.filter((b) => b.checked).map((b) => b.value);
      if (!chosen.length) {
        box.checked = true; // a network needs at least one layer of ties
        return;
      }
      state.layers = chosen;
      fillDealTypes();
      setPlaying(false);
      show(state.year);
    });
  }
  for (const [select, name] of [[regionSelect, "region"], [kindSelect, "kind"], [dealSelect, "deal_type"]]) {
    select.addEventListener("change", () => {
      state[name] = select.value;
      setPlaying(false);
      show(state.year);
    });
  }
  playButton.addEventListener("click", play);

  await show(state.year);

  return () => {
    state.alive = false;
    state.playing = false;
    clearTimeout(partnersTimer);
    purgeCharts(app);
  };
}

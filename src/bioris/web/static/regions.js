// Regions (/regions): the study's regions compared — actors, specialisation (LQ), scope of
// ties, strongest links, infrastructure, spin-offs. Tables come from the API's lists of
// objects; columns are shown as they come, with a chart where the columns allow one. Regions
// and their colours are the study's (/api/meta).

import { getActorNames, getJSON, getMeta } from "./api.js";
import {
  actorLink,
  baseLayout,
  dataTable,
  drawChart,
  el,
  formatNumber,
  formatShare,
  humanise,
  plotlyText,
  purgeCharts,
  section,
} from "./dom.js";

const PALETTE = ["#1f6f8b", "#e0a458", "#c0392b", "#6c5b7b", "#99b898", "#355c7d", "#f67280"];
const SCOPE_ORDER = ["intra_regional", "inter_regional", "european", "global", "local", "national"];
const ACTOR_COLUMNS = new Set(["actor_id", "parent", "child", "children", "firm", "actor"]);
const LINK_ROWS = 15;

const SECTIONS = [
  ["actors", "Active actors by kind", "Actors active in the last year of the period, by kind and region; “panel firms” are the study's panel."],
  ["scope", "Scope of partner ties", "Shares of each region's panel-firm partner ties that stay in the region, reach another region of its countries, Europe or the world (partners without a known place are left out)."],
  ["specialisation", "Specialisation (location quotients)", "LQ above 1: the region's panel firms are more concentrated in the subsector than the whole panel."],
  ["links", "Strongest links between regions", "The region-to-region meta-network over the period, strongest first."],
  ["infrastructure", "Infrastructure", "Network organisations, funders, financiers and research centres, and the ties they hold."],
  ["spinoffs", "Spin-offs", "Spin-offs per parent institution."],
];
// Column and value names of the tables, as a reader says them.
const LABELS = { nbfs: "Panel firms", panel: "Panel firms", lq: "LQ" };

// The study's fixed colour of each declared region (the same as in the network).
let REGION_KEYS = new Map();
const regionColour = (name, i) => REGION_KEYS.get(String(name ?? "").toLowerCase()) || PALETTE[i % PALETTE.length];
const label = (key) => LABELS[key] ?? humanise(key);
const isNumber = (v) => typeof v === "number" && Number.isFinite(v);

function columnsOf(rows) {
  const keys = [];
  for (const row of rows.slice(0, 50)) for (const key of Object.keys(row)) if (!keys.includes(key)) keys.push(key);
  return keys;
}

function regionKey(keys) {
  return ["region", "location"].find((k) => keys.includes(k)) || null;
}

/** A cell for any value: actor ids as links, shares as percentages, lists joined. */
function cell(key, value, names) {
  if (value === null || value === undefined || value === "") return "—";
  if (ACTOR_COLUMNS.has(key)) {
    const ids = Array.isArray(value) ? value : [value];
    return el("span", {}, ids.map((id, i) => [i ? ", " : "", actorLink(String(id), names.get(String(id)) || String(id))]));
  }
  if (Array.isArray(value)) return value.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  if (isNumber(value) && /share/.test(key)) return formatShare(value);
  if (isNumber(value) && /year$/.test(key)) return String(value);
  if (isNumber(value)) return formatNumber(value);
  return label(value);
}

function genericTable(rows, names, { limit, collapsed = false, nameLinks = true } = {}) {
  const keys = columnsOf(rows);
  // A "name" next to an actor-id column: show the name as the link instead of the id.
  const idForName = nameLinks && keys.includes("name") ? ["actor_id", "parent", "firm", "actor"].find((k) => keys.includes(k)) : null;
  // Columns empty in every row (e.g. a null year) say nothing; the name goes first.
  const shown = keys
    .filter((k) => !(idForName && k === idForName))
    .filter((k) => rows.some((r) => r[k] !== null && r[k] !== undefined && r[k] !== ""))
    .sort((a, b) => (idForName ? (b === "name") - (a === "name") : 0));
  const columns = shown.map((key) => {
    const numeric = rows.some((r) => isNumber(r[key])) && !/year$/.test(key);
    return {
      key,
      label: LABELS[key] ?? humanise(key.replace(/_share$/, "")).replace(/^./, (c) => c.toUpperCase()),
      numeric,
      render: (row) => (key === "name" && idForName ? actorLink(String(row[idForName]), String(row.name ?? row[idForName])) : cell(key, row[key], names)),
    };
  });
  if (collapsed) {
    return el("details", { class: "table-details" }, el("summary", { text: `Table (${rows.length} rows)` }), dataTable({ columns, rows, empty: "No rows." }));
  }
  const body = limit ? rows.slice(0, limit) : rows;
  const table = dataTable({ columns, rows: body, empty: "No rows." });
  if (limit && rows.length > limit) {
    return el("div", {}, table, el("details", {}, el("summary", { text: `All ${rows.length} rows` }), dataTable({ columns, rows, empty: "No rows." })));
  }
  return table;
}

// ---- charts --------------------------------------------------------------------------------

function actorsChart(node, rows) {
  const keys = columnsOf(rows);
  const key = keys.find((k) => typeof rows[0]?.[k] === "string") || keys[0];
  const regions = keys.filter((k) => k !== key && rows.some((r) => isNumber(r[k])));
  if (!regions.length) return false;
  drawChart(node, regions.map((region, i) => ({
    type: "bar", name: plotlyText(region), x: rows.map((r) => plotlyText(label(r[key]))), y: rows.map((r) => r[region] ?? 0),
    marker: { color: regionColour(region, i) },
  })), baseLayout({ barmode: "group", height: 300, yaxis: { title: { text: "Active actors" } }, legend: { orientation: "h", y: 1.12 }, margin: { l: 56, r: 16, t: 32, b: 80 } }));
  return true;
}

function specialisationChart(node, rows) {
  const keys = columnsOf(rows);
  const region = regionKey(keys);
  const category = ["category", "subsector", "sector"].find((k) => keys.includes(k));
  if (!region || !category || !keys.includes("lq")) return false;
  const regions = [...new Set(rows.map((r) => r[region]))];
  const categories = [...new Set(rows.map((r) => r[category]))].sort();
  const traces = regions.map((name, i) => {
    const byCategory = new Map(rows.filter((r) => r[region] === name).map((r) => [r[category], r.lq]));
    return {
      type: "bar", orientation: "h", name: plotlyText(name),
      y: categories.map((c) => plotlyText(humanise(c))), x: categories.map((c) => byCategory.get(c) ?? null),
      marker: { color: regionColour(name, i) },
      hovertemplate: `${plotlyText(name)}: %{y} LQ %{x:.2f}<extra></extra>`,
    };
  });
  drawChart(node, traces, baseLayout({
    barmode: "group",
    height: Math.max(320, categories.length * (regions.length * 9 + 10) + 110),
    xaxis: { title: { text: "Location quotient" }, rangemode: "tozero" },
    yaxis: { automargin: true, autorange: "reversed" },
    shapes: [{ type: "line", x0: 1, x1: 1, yref: "paper", y0: 0, y1: 1, line: { color: "#333", dash: "dash", width: 1 } }],
    legend: { orientation: "h", y: 1.06 },
    margin: { l: 180, r: 16, t: 40, b: 48 },
  }));
  return true;
}

function scopeChart(node, rows) {
  const keys = columnsOf(rows);
  const region = regionKey(keys);
  const shares = keys.filter((k) => /share$/.test(k));
  if (!region || !shares.length) return false;
  shares.sort((a, b) => {
    const rank = (k) => {
      const i = SCOPE_ORDER.findIndex((s) => k.startsWith(s));
      return i < 0 ? 99 : i;
    };
    return rank(a) - rank(b);
  });
  drawChart(node, shares.map((share, i) => ({
    type: "bar", orientation: "h", name: plotlyText(humanise(share.replace(/_share$/, ""))),
    y: rows.map((r) => plotlyText(r[region])), x: rows.map((r) => (isNumber(r[share]) ? r[share] * 100 : 0)),
    marker: { color: PALETTE[i % PALETTE.length] },
    hovertemplate: `%{y}: %{x:.1f}% ${plotlyText(humanise(share.replace(/_share$/, "")))}<extra></extra>`,
  })), baseLayout({
    barmode: "stack", height: 90 + rows.length * 48,
    xaxis: { title: { text: "% of partner ties" }, range: [0, 100] },
    yaxis: { automargin: true },
    legend: { orientation: "h", y: 1.25, traceorder: "normal" },
    margin: { l: 90, r: 16, t: 48, b: 44 },
  }));
  return true;
}

function linksChart(node, rows) {
  const keys = columnsOf(rows);
  const source = keys.find((k) => /^source/.test(k));
  const target = keys.find((k) => /^target/.test(k));
  const weight = ["weight", "alliances", "ties"].find((k) => keys.includes(k));
  if (!source || !target || !weight) return false;
  const top = [...rows].sort((a, b) => (b[weight] ?? 0) - (a[weight] ?? 0)).slice(0, LINK_ROWS).reverse();
  drawChart(node, [{
    type: "bar", orientation: "h",
    y: top.map((r) => plotlyText(`${r[source]} – ${r[target]}`)), x: top.map((r) => r[weight]),
    marker: { color: "#1f6f8b" },
    hovertemplate: `%{y}: %{x:.1f} (${plotlyText(humanise(weight))})<extra></extra>`,
  }], baseLayout({
    height: 120 + top.length * 22,
    xaxis: { title: { text: humanise(weight).replace(/^./, (c) => c.toUpperCase()) } }, yaxis: { automargin: true },
    margin: { l: 160, r: 16, t: 16, b: 44 },
  }));
  return true;
}

function spinoffChart(node, rows) {
  const keys = columnsOf(rows);
  if (!keys.includes("spinoffs")) return false;
  const nameKey = keys.includes("name") ? "name" : keys[0];
  const top = [...rows].sort((a, b) => (b.spinoffs ?? 0) - (a.spinoffs ?? 0)).slice(0, 12).reverse();
  drawChart(node, [{
    type: "bar", orientation: "h",
    y: top.map((r) => plotlyText(r[nameKey])), x: top.map((r) => r.spinoffs),
    marker: { color: top.map((r, i) => regionColour(r.location, i)) },
    hovertemplate: "%{y}: %{x} spin-offs<extra></extra>",
  }], baseLayout({
    height: 120 + top.length * 24,
    xaxis: { title: { text: "Spin-offs" }, dtick: 1 }, yaxis: { automargin: true },
    margin: { l: 200, r: 16, t: 16, b: 44 },
  }));
  return true;
}

const CHARTS = {
  actors: actorsChart,
  specialisation: specialisationChart,
  scope: scopeChart,
  links: linksChart,
  spinoffs: spinoffChart,
};

/** "A, B and C". */
function listed(names) {
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}` : names.join("");
}

export async function render(app, ctx) {
  const [data, names, meta] = await Promise.all([
    getJSON("/api/regions", {}, { signal: ctx.signal }),
    getActorNames().catch(() => new Map()),
    getMeta(),
  ]);
  if (ctx.signal.aborted) return null;
  REGION_KEYS = new Map((meta.study?.regions || []).map((r) => [String(r.name).toLowerCase(), r.colour]));
  const compared = Array.isArray(data?.regions) ? data.regions.map(String) : [];
  const years = isNumber(data?.start) && isNumber(data?.end) ? `, ${data.start}–${data.end}` : "";

  app.append(
    el("div", { class: "page-head" },
      el("h1", { text: "Regions compared" }),
      el("p", {
        class: "lede",
        text: compared.length
          ? `${listed(compared)} side by side${years}: who is there, what their panel firms specialise in, how far their ties reach.`
          : "The study compares no region: declare regions (and the panel) in its study file.",
      })),
  );
  const toc = el("nav", { class: "toc", "aria-label": "Sections" });
  const grid = el("div", { class: "regions-grid" });
  app.append(toc, grid);

  const pending = [];
  const known = new Set(SECTIONS.map(([key]) => key));
  const isTable = (value) => Array.isArray(value) && value.every((row) => row && typeof row === "object");
  const sections = [...SECTIONS, ...Object.keys(data || {}).filter((k) => !known.has(k) && isTable(data[k])).map((k) => [k, humanise(k), ""])];
  for (const [key, title, blurb] of sections) {
    const rows = isTable(data?.[key]) ? data[key] : null;
    if (!rows) continue;
    const plot = el("div", { class: "plot region-plot", id: `region-plot-${key}`, "aria-label": `${title} chart` });
    // The LQ chart says what its long table says: the table waits behind a disclosure.
    const table = genericTable(rows, names, { limit: key === "links" ? LINK_ROWS : 0, collapsed: key === "specialisation" });
    const box = section(title, blurb ? el("p", { class: "hint", text: blurb }) : null, plot, table);
    box.id = `region-${key}`;
    box.dataset.table = key;
    grid.append(box);
    toc.append(el("a", { href: `#region-${key}`, text: title }));
    if (rows.length && CHARTS[key]) pending.push([key, plot, rows]);
    else plot.remove();
  }
  if (!grid.children.length) grid.append(el("p", { class: "muted", text: "No regional tables in this store." }));
  // Charts once their boxes are in the document, so they get a width.
  for (const [key, plot, rows] of pending) {
    if (!CHARTS[key](plot, rows)) plot.remove();
  }
  return () => purgeCharts(app);
}

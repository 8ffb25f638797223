// Actor profile (/actor/{id}): facts and lineage, deals over time, network position,
// brokerage roles, business-model labels, partners.

import { ApiError, getJSON, getMeta } from "./api.js";
import {
  actorLink,
  baseLayout,
  dataTable,
  drawChart,
  el,
  formatEur,
  formatHeadline,
  formatNumber,
  humanise,
  plotlyText,
  purgeCharts,
  section,
  sourceList,
} from "./dom.js";

const ROLES = ["coordinator", "itinerant", "gatekeeper", "representative", "liaison"];
const ROLE_COLOURS = ["#1f6f8b", "#99b898", "#e0a458", "#c0392b", "#6c5b7b"];
const BM_FIELDS = [
  ["product_model", "Product model"],
  ["value_chain", "Value chain"],
  ["oi_mode", "Open-innovation mode"],
  ["portfolio_mix", "Portfolio mix"],
];
// One colour per deal type, in the order of /api/meta's deal_types, on every profile.
const DEAL_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
  "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"];
const ACTOR_ID = /^[a-z0-9][a-z0-9._-]*$/;
const RELATIONS = { named: "was named", acquired_by: "was acquired by", subsidiary_of: "was a subsidiary of" };

function years(from, to) {
  if (from && to && from !== to) return `${from}–${to}`;
  if (from && to) return String(from);
  if (from) return `from ${from}`;
  if (to) return `until ${to}`;
  return "";
}

function exitText(actor) {
  if (actor.exit_year) return `${humanise(actor.exit_kind || "ended")} in ${actor.exit_year}`;
  return actor.exit ? humanise(actor.exit) : null;
}

function factsList(actor) {
  const rows = [
    ["Kind", humanise(actor.kind)],
    ["Panel firm", actor.in_panel ? "yes: one of the study's panel firms" : null],
    ["Placed in", actor.location && actor.location !== "unknown" ? actor.location : null],
    ["Region (as recorded)", actor.region && actor.region !== actor.location ? actor.region : null],
    ["Country", actor.country],
    ["City", actor.city],
    ["Founded", actor.founded],
    ["IPO", actor.ipo_year],
    ["Exit", exitText(actor)],
    ["Exit (as recorded)", actor.exit_year && actor.exit ? actor.exit : null],
    ["Also known as", Array.isArray(actor.aliases) && actor.aliases.length ? actor.aliases.join("; ") : null],
    ["Confidence", actor.confidence],
  ];
  const list = el("dl", { class: "facts" });
  for (const [label, value] of rows) {
    if (value === null || value === undefined || value === "") continue;
    list.append(el("dt", { text: label }), el("dd", { text: String(value) }));
  }
  list.append(el("dt", { text: "Sources" }), el("dd", {}, sourceList(actor.source_urls)));
  return list;
}

function lineageList(facts, selfId) {
  if (!facts?.length) return el("p", { class: "muted", text: "No lineage facts recorded." });
  const list = el("ul", { class: "lineage" });
  for (const fact of facts) {
    const relation = RELATIONS[fact.relation] ?? humanise(fact.relation ?? "related to");
    const target = fact.target ?? fact.target_id ?? "";
    const targetName = fact.target_name ?? target;
    // Some facts point at another actor (an id), others carry a value (a former name).
    const other = fact.actor_id && fact.actor_id !== selfId ? fact.actor_id : null;
    const isActor = fact.target_name ? true : ACTOR_ID.test(String(target)) && fact.relation !== "named";
    const targetNode = isActor ? actorLink(target, targetName) : el("span", { text: targetName || "—" });
    // An acquisition happens in a year; a name or a parent holds over a span.
    const when = fact.relation === "acquired_by" && fact.start_year && !fact.end_year
      ? `in ${fact.start_year}`
      : years(fact.start_year ?? fact.year, fact.end_year);
    list.append(
      el(
        "li",
        {},
        other ? [actorLink(other, fact.actor_name ?? other), " "] : null,
        `${relation} `,
        targetNode,
        when ? el("span", { class: "muted", text: ` (${when})` }) : null,
        fact.notes ? el("span", { class: "muted", text: ` — ${fact.notes}` }) : null,
        fact.source_urls?.length ? [" ", sourceList(fact.source_urls)] : null,
      ),
    );
  }
  return list;
}

function partiesCell(deal, selfId) {
  const others = (deal.parties || []).filter((p) => p.actor_id !== selfId);
  if (!others.length) return "—";
  return el(
    "span",
    { class: "parties" },
    others.map((p, i) => [
      i ? "; " : "",
      actorLink(p.actor_id, p.name),
      p.role ? el("span", { class: "muted", text: ` (${humanise(p.role)})` }) : null,
    ]),
  );
}

function ownRole(deal, selfId) {
  const me = (deal.parties || []).find((p) => p.actor_id === selfId);
  return me?.role ? humanise(me.role) : "—";
}

function yearRange(sorted) {
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const pad = Math.max(0, 10 - (last - first)) / 2;
  return [first - 0.5 - pad, last + 0.5 + pad];
}

function dealsChart(node, deals, dealTypes) {
  const byType = new Map();
  const yearsSeen = new Set();
  for (const deal of deals) {
    if (!deal.year) continue;
    yearsSeen.add(deal.year);
    const type = deal.deal_type;
    if (!byType.has(type)) byType.set(type, new Map());
    const counts = byType.get(type);
    counts.set(deal.year, (counts.get(deal.year) || 0) + 1);
  }
  if (!yearsSeen.size) return false;
  const sortedYears = [...yearsSeen].sort((a, b) => a - b);
  const order = (type) => (dealTypes.includes(type) ? dealTypes.indexOf(type) : dealTypes.length);
  const data = [...byType.entries()]
    .sort(([a], [b]) => order(a) - order(b))
    .map(([type, counts]) => ({
      type: "bar",
      name: plotlyText(humanise(type)),
      x: sortedYears,
      y: sortedYears.map((y) => counts.get(y) || 0),
      marker: { color: DEAL_COLOURS[order(type) % DEAL_COLOURS.length] },
      hovertemplate: `%{x}: %{y} ${plotlyText(humanise(type))}<extra></extra>`,
    }));
  drawChart(
    node,
    data,
    baseLayout({
      barmode: "stack",
      height: 260,
      // At least a decade wide, so that one or two years of deals still look like bars.
      xaxis: { title: { text: "Year signed" }, range: yearRange(sortedYears), dtick: sortedYears.length > 12 ? 2 : 1 },
      yaxis: { title: { text: "Deals" }, rangemode: "tozero", dtick: 1 },
      legend: { orientation: "h", y: -0.42, traceorder: "normal" },
      margin: { l: 48, r: 16, t: 16, b: 96 },
    }),
  );
  return true;
}

function positionChart(node, measures) {
  const rows = [...measures].sort((a, b) => a.year - b.year);
  drawChart(
    node,
    [
      { type: "scatter", mode: "lines+markers", name: "Degree", x: rows.map((r) => r.year), y: rows.map((r) => r.degree), line: { color: "#1f6f8b" } },
      { type: "scatter", mode: "lines+markers", name: "Betweenness", x: rows.map((r) => r.year), y: rows.map((r) => r.betweenness), yaxis: "y2", line: { color: "#c0392b", dash: "dot" } },
    ],
    baseLayout({
      height: 260,
      xaxis: { title: { text: "Year" } },
      yaxis: { title: { text: "Degree" }, rangemode: "tozero" },
      yaxis2: { title: { text: "Betweenness" }, overlaying: "y", side: "right", rangemode: "tozero", showgrid: false, tickformat: ".2f" },
      legend: { orientation: "h", y: 1.15 },
      margin: { l: 48, r: 72, t: 32, b: 44 },
    }),
  );
}

function brokerageChart(node, measures) {
  const rows = [...measures].sort((a, b) => a.year - b.year);
  drawChart(
    node,
    ROLES.map((role, i) => ({
      type: "bar",
      name: humanise(role),
      x: rows.map((r) => r.year),
      y: rows.map((r) => r[role] ?? 0),
      marker: { color: ROLE_COLOURS[i] },
    })),
    baseLayout({
      barmode: "stack",
      height: 260,
      xaxis: { title: { text: "Year" } },
      yaxis: { title: { text: "Brokerage role count" }, rangemode: "tozero" },
      legend: { orientation: "h", y: 1.15, traceorder: "normal" },
      margin: { l: 56, r: 16, t: 32, b: 44 },
    }),
  );
}

function businessModelTable(rows) {
  const sorted = [...rows].sort((a, b) => a.year - b.year);
  const columns = [
    { key: "year", label: "Year", render: (r) => String(r.year) },
    ...BM_FIELDS.map(([key, label]) => ({
      key,
      label,
      render: (r) => {
        const index = sorted.indexOf(r);
        const changed = index > 0 && sorted[index - 1][key] !== r[key];
        return el("span", { class: changed ? "changed" : null, title: changed ? "changed this year" : null, text: humanise(r[key]) });
      },
    })),
  ];
  return dataTable({ columns, rows: sorted, empty: "No business-model labels." });
}

export async function render(app, ctx) {
  const actorId = ctx.args[0];
  let actor;
  try {
    actor = await getJSON(`/api/actors/${encodeURIComponent(actorId)}`, {}, { signal: ctx.signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      ctx.setTitle("Actor not found");
      app.append(
        el("h1", { text: "Actor not found" }),
        el("p", {}, "No actor has the id ", el("code", { text: actorId }), ". ", el("a", { href: "/deals", text: "Search the deals" }), "."),
      );
      return null;
    }
    throw error;
  }
  if (ctx.signal.aborted) return null;
  ctx.setTitle(actor.name || actorId);

  const deals = Array.isArray(actor.deals) ? actor.deals : [];
  const measures = Array.isArray(actor.measures) ? actor.measures : [];
  const models = Array.isArray(actor.business_models) ? actor.business_models : [];
  const partners = Array.isArray(actor.partners) ? actor.partners : [];

  const place = actor.location && actor.location !== "unknown" ? actor.location : actor.country;
  const subtitle = [humanise(actor.kind), actor.in_panel ? "panel firm" : null, place, actor.city].filter((v) => v && v !== "—").join(" · ");
  app.append(
    el("div", { class: "page-head" },
      el("p", { class: "crumbs" }, el("a", { href: "/", text: "Network" }), " › actor"),
      el("h1", { id: "actor-name", text: actor.name || actorId }),
      subtitle ? el("p", { class: "lede", text: subtitle }) : null),
  );

  const grid = el("div", { class: "profile-grid" });
  app.append(grid);
  grid.append(
    section("Facts", factsList(actor)),
    section("Lineage", lineageList(actor.lineage, actor.actor_id)),
  );

  // Deals over time.
  const dealsPlot = el("div", { class: "plot small-plot", id: "deals-plot", "aria-label": "Deals per year by type" });
  const dealRows = [...deals].sort((a, b) => (a.year ?? 9999) - (b.year ?? 9999) || String(a.date ?? "").localeCompare(String(b.date ?? "")));
  const dealsTotal = Number.isFinite(actor.deals_total) ? actor.deals_total : deals.length;
  const dealsTable = dataTable({
    caption: dealsTotal > deals.length
      ? `The newest ${deals.length} of ${dealsTotal} deals (all of them in the deal table)`
      : `${deals.length} deal${deals.length === 1 ? "" : "s"}`,
    className: "data deals",
    columns: [
      { key: "year", label: "Date", className: "nowrap", render: (d) => d.date || (d.year ? String(d.year) : "undated") },
      { key: "deal_type", label: "Type", render: (d) => humanise(d.deal_type) },
      { key: "role", label: "Role", render: (d) => ownRole(d, actor.actor_id) },
      { key: "parties", label: "With", className: "wide-col", render: (d) => partiesCell(d, actor.actor_id) },
      { key: "stage_at_signing", label: "Stage", render: (d) => humanise(d.stage_at_signing) },
      { key: "asset", label: "Asset / area", render: (d) => [d.asset, d.therapeutic_area].filter(Boolean).join(" · ") || "—" },
      { key: "upfront_eur", label: "Upfront", numeric: true, render: (d) => formatEur(d.upfront_eur) },
      { key: "milestones_eur", label: "Milestones", numeric: true, render: (d) => formatEur(d.milestones_eur) },
      { key: "equity_eur", label: "Equity", numeric: true, render: (d) => formatEur(d.equity_eur) },
      { key: "headline_eur", label: "Headline", numeric: true, render: formatHeadline },
      { key: "source_urls", label: "Sources", render: (d) => sourceList(d.source_urls) },
    ],
    rows: dealRows,
    empty: "No deals recorded.",
  });
  const dealsLink = el("p", {}, el("a", { href: `/deals?actor=${encodeURIComponent(actor.actor_id)}`, text: "Open these deals in the deal table" }));
  const dealsSection = section("Deals over time", dealsPlot, dealsTable, dealsLink);
  dealsSection.classList.add("wide");
  grid.append(dealsSection);

  // Network position and brokerage.
  const positionPlot = el("div", { class: "plot small-plot", id: "position-plot", "aria-label": "Degree and betweenness by year" });
  const brokeragePlot = el("div", { class: "plot small-plot", id: "brokerage-plot", "aria-label": "Brokerage roles by year" });
  const measureTable = el(
    "details",
    {},
    el("summary", { text: "Measures by year (table)" }),
    dataTable({
      className: "data compact",
      columns: [
        { key: "year", label: "Year", render: (r) => String(r.year) },
        { key: "degree", label: "Degree", numeric: true },
        { key: "betweenness", label: "Betweenness", numeric: true },
        { key: "eigenvector", label: "Eigenvector", numeric: true },
        { key: "constraint", label: "Constraint", numeric: true },
        { key: "effective_size", label: "Effective size", numeric: true },
        ...ROLES.map((role) => ({ key: role, label: humanise(role), numeric: true })),
        { key: "brokerage_total", label: "Brokerage", numeric: true },
      ],
      rows: [...measures].sort((a, b) => a.year - b.year),
    }),
  );
  if (measures.length) {
    grid.append(
      section("Network position over time", positionPlot),
      section("Brokerage roles over time", brokeragePlot),
    );
    const details = section("Network measures", measureTable);
    details.classList.add("wide");
    grid.append(details);
  } else {
    grid.append(section("Network position over time", el("p", { class: "muted", text: "Not in the alliance network in any year." })));
  }

  if (models.length) {
    const bm = section("Business models", el("p", { class: "hint", text: "Labels per year (panel firms, from the deals of the study's network layers, up to the exit year); highlighted cells changed from the year before." }), businessModelTable(models));
    bm.classList.add("wide");
    grid.append(bm);
  }

  const partnerList = partners.length
    ? el("ul", { class: "partner-list", id: "partners" },
      [...partners]
        .sort((a, b) => (b.deals || 0) - (a.deals || 0) || String(a.name).localeCompare(String(b.name)))
        .map((p) => el("li", {}, actorLink(p.actor_id, p.name), el("span", { class: "muted", text: ` · ${formatNumber(p.deals)} deal${p.deals === 1 ? "" : "s"}` }))))
    : el("p", { class: "muted", text: "No partners recorded." });
  grid.append(section("Partners", partnerList));

  // Charts last: their containers must be in the document to get a size.
  const dealTypes = await getMeta().then((meta) => meta.deal_types || [], () => []);
  if (ctx.signal.aborted) return null;
  if (!dealsChart(dealsPlot, deals, dealTypes)) dealsPlot.remove();
  if (measures.length) {
    positionChart(positionPlot, measures);
    brokerageChart(brokeragePlot, measures);
  }
  return () => purgeCharts(app);
}

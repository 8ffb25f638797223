// DOM helpers. Data only ever reaches the page as text nodes or checked attributes:
// there is no innerHTML anywhere in this viewer.

const FORBIDDEN_PROPS = new Set(["innerHTML", "outerHTML", "style", "srcdoc"]);

/**
 * Create an element. props: class, text, dataset, on<event> (functions), anything else as an
 * attribute (true -> present, false/null -> absent). Children: nodes, strings (as text), arrays.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (FORBIDDEN_PROPS.has(key) || /^on/i.test(key) && typeof value !== "function") {
      throw new Error(`el(): refusing to set ${key}`);
    }
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === "href") node.setAttribute("href", value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  appendChildren(node, children);
  return node;
}

/** Append nodes and strings (as text nodes); null, undefined and false are skipped. */
export function appendChildren(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An http(s) URL from data, or null: other schemes (javascript:, data:, ...) are refused. */
export function safeExternalUrl(text) {
  if (typeof text !== "string" || !text.trim()) return null;
  let url;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
}

/** A link to a source: only http(s); anything else is shown as plain text. */
export function sourceLink(text, label) {
  const href = safeExternalUrl(text);
  if (!href) return el("span", { class: "muted", text: label || String(text ?? "") });
  let host = "";
  try {
    host = new URL(href).hostname.replace(/^www\./, "");
  } catch {
    host = "";
  }
  return el("a", {
    href,
    class: "source",
    target: "_blank",
    rel: "noopener noreferrer external",
    title: href,
    text: label || host || href,
  });
}

/** The sources of a record as a list of links (host names as labels). */
export function sourceList(urls) {
  const list = Array.isArray(urls) ? urls : typeof urls === "string" ? urls.split(/;\s*/) : [];
  if (!list.length) return el("span", { class: "muted", text: "—" });
  return el("span", { class: "sources" }, list.map((url, i) => [i ? " " : "", sourceLink(url)]));
}

/** The client-side path of an actor's profile. */
export function actorPath(actorId) {
  return `/actor/${encodeURIComponent(actorId)}`;
}

/** A link to an actor's profile, labelled with its name (as text). */
export function actorLink(actorId, name) {
  if (!actorId) return document.createTextNode(name || "—");
  return el("a", { href: actorPath(actorId), class: "actor-link", text: name || actorId });
}

/** "licensing_out" -> "licensing out". */
export function humanise(value) {
  if (value === null || value === undefined || value === "") return "—";
  return String(value).replace(/_/g, " ");
}

const NUMBER = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });
const SMALL = new Intl.NumberFormat("en-GB", { maximumSignificantDigits: 3 });

/** A number for a table cell. */
export function formatNumber(value) {
  if (value === null || value === undefined || value === "" || Number.isNaN(value)) return "—";
  if (typeof value !== "number") return String(value);
  if (value !== 0 && Math.abs(value) < 0.01) return SMALL.format(value);
  return NUMBER.format(value);
}

/** Money in millions of euro: "€12.5m". */
export function formatEur(value) {
  if (value === null || value === undefined || value === "") return "—";
  const number = Number(value);
  if (!Number.isFinite(number)) return "—";
  return `€${NUMBER.format(number)}m`;
}

/** A deal's headline value; the API reports 0 when no term is disclosed: shown as unknown. */
export function formatHeadline(deal) {
  const undisclosed = [deal.upfront_eur, deal.milestones_eur, deal.equity_eur].every((v) => v === null || v === undefined);
  if (undisclosed && !deal.headline_eur) return "—";
  return formatEur(deal.headline_eur);
}

/** A share 0..1 as a percentage. */
export function formatShare(value) {
  if (value === null || value === undefined || !Number.isFinite(Number(value))) return "—";
  return `${(Number(value) * 100).toFixed(1)}%`;
}

/**
 * Escape text for plotly's pseudo-HTML labels (hover text, annotations, tick labels).
 * Labels must not use plotly's styling tags either (<b>, <i>, <span style>): plotly turns
 * them into style attributes, which the CSP refuses. <br> is fine.
 */
export function plotlyText(value) {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/**
 * A table. columns: [{key, label, render(row) -> node|string, numeric, className, sort}];
 * sort: {key, order, onSort(key)} makes the headers of sortable columns buttons.
 */
export function dataTable({ caption, columns, rows, empty = "Nothing to show.", sort, className }) {
  const headRow = el("tr");
  for (const column of columns) {
    const th = el("th", { scope: "col", class: column.numeric ? "num" : null, title: column.title || null });
    if (sort && column.sortKey) {
      const active = sort.key === column.sortKey;
      th.setAttribute("aria-sort", active ? (sort.order === "desc" ? "descending" : "ascending") : "none");
      const arrow = active ? (sort.order === "desc" ? " ▼" : " ▲") : "";
      th.append(
        el(
          "button",
          {
            type: "button",
            class: "sort",
            dataset: { sort: column.sortKey },
            onclick: () => sort.onSort(column.sortKey),
          },
          column.label,
          el("span", { class: "arrow", "aria-hidden": "true", text: arrow }),
        ),
      );
    } else {
      th.textContent = column.label;
    }
    headRow.append(th);
  }
  const body = el("tbody");
  for (const row of rows) {
    const tr = el("tr");
    for (const column of columns) {
      const value = column.render ? column.render(row) : formatNumber(row[column.key]);
      const td = el("td", { class: [column.numeric ? "num" : "", column.className || ""].join(" ").trim() || null });
      appendChildren(td, [value]);
      tr.append(td);
    }
    body.append(tr);
  }
  if (!rows.length) {
    body.append(el("tr", {}, el("td", { colspan: columns.length, class: "empty", text: empty })));
  }
  return el(
    "div",
    { class: "table-wrap" },
    el("table", { class: className || "data" }, caption ? el("caption", { text: caption }) : null, el("thead", {}, headRow), body),
  );
}

/** A message box for errors. */
export function errorBox(error) {
  const message = error && error.message ? error.message : String(error);
  return el("div", { class: "error", role: "alert" }, el("strong", { text: "Could not load: " }), message);
}

/** An <option> list for a <select>, with a leading "any" option. */
export function options(values, { any = "Any", selected = "", label = humanise } = {}) {
  const list = [el("option", { value: "", text: any })];
  for (const value of values || []) {
    const option = el("option", { value: String(value), text: label(value) });
    if (String(value) === String(selected ?? "")) option.selected = true;
    list.push(option);
  }
  return list;
}

/** A labelled form control: <label for=id>text</label> + control. */
export function field(labelText, control, hint) {
  if (!control.id) throw new Error("field(): the control needs an id");
  return el(
    "div",
    { class: "field" },
    el("label", { for: control.id, text: labelText }),
    control,
    hint ? el("small", { class: "hint", text: hint }) : null,
  );
}

/** Whether the Plotly global loaded. */
export function plotlyReady() {
  return typeof window.Plotly === "object" && typeof window.Plotly.react === "function";
}

/** Shared plotly config: no logo, no link-out, responsive. */
export const PLOT_CONFIG = Object.freeze({
  displaylogo: false,
  responsive: true,
  showLink: false,
  showSendToCloud: false,
  modeBarButtonsToRemove: ["select2d", "lasso2d", "toImage"],
});

/** Shared plotly layout defaults. */
export function baseLayout(extra = {}) {
  return {
    margin: { l: 48, r: 16, t: 24, b: 40 },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { family: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size: 12, color: "#1d2733" },
    ...extra,
  };
}

/** Draw (or redraw) a plotly chart; a note instead of a chart when plotly is missing. */
export function drawChart(node, data, layout, config = PLOT_CONFIG) {
  if (!plotlyReady()) {
    node.replaceChildren(el("p", { class: "muted", text: "Charts are unavailable (plotly.js did not load)." }));
    return Promise.resolve(null);
  }
  return window.Plotly.react(node, data, layout, config);
}

/** Release plotly's listeners and WebGL/SVG state on every chart inside root. */
export function purgeCharts(root) {
  if (!plotlyReady() || !root) return;
  for (const node of root.querySelectorAll(".js-plotly-plot")) window.Plotly.purge(node);
}

/** A section with a heading. */
export function section(title, ...children) {
  const id = `sec-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return el("section", { class: "card", "aria-labelledby": id }, el("h2", { id, text: title }), children);
}

// A hand-written SVG: one bar per metric, ours ÷ official on a log scale, diverging from parity
// (1×), with the metric's target as a tick. Green: target met; red: missed; grey: no target.

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * @param rows [{ label, ratio, target?, milestone?, met?, lever? }]: `met` true/false colours the
 *   bar (paler for a `lever`, a measured what-if); `milestone` (an intermediate target) is drawn
 *   as a dashed tick.
 * @param title first line of the chart
 * @param subtitle second line (the run: date, machine)
 */
export function ratioChart(rows, { title, subtitle }) {
  const W = 980;
  const labelW = 380;
  const x0 = labelW + 20;
  const x1 = W - 60;
  const rowH = 26;
  const top = 78;
  const H = top + rows.length * rowH + 46;
  const LO = -5; // log2 of the smallest ratio drawn (1/32)
  const HI = 4; // log2 of the largest (16)
  const x = (r) => {
    const l = Math.min(HI, Math.max(LO, Math.log2(r)));
    return Math.round((x0 + ((l - LO) / (HI - LO)) * (x1 - x0)) * 10) / 10;
  };
  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text x="12" y="40" fill="#555">${esc(subtitle)}</text>`,
    `<text x="12" y="58" fill="#555">bar: ours ÷ official SDK (log scale, from parity); black tick: target (dashed: first milestone); green met, red missed (pale: a measured lever), grey no target</text>`,
  );
  // Grid and axis labels.
  for (let l = LO; l <= HI; l++) {
    const gx = x(2 ** l);
    const label = l >= 0 ? `${2 ** l}×` : `1/${2 ** -l}`;
    out.push(
      `<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${top + rows.length * rowH}" stroke="${l === 0 ? "#333" : "#e3e3e3"}" stroke-width="${l === 0 ? 1.5 : 1}"/>`,
      `<text x="${gx}" y="${top + rows.length * rowH + 16}" text-anchor="middle" fill="#555">${label}</text>`,
    );
  }
  rows.forEach((row, i) => {
    const y = top + i * rowH;
    const color = row.lever
      ? row.met
        ? "#9ccc9f"
        : "#ef9a9a"
      : row.met === true
        ? "#2e7d32"
        : row.met === false
          ? "#c62828"
          : "#9aa5ad";
    const from = x(1);
    const to = x(row.ratio);
    const clipped = row.ratio < 2 ** LO || row.ratio > 2 ** HI;
    out.push(
      `<text x="${labelW}" y="${y + rowH / 2 + 4}" text-anchor="end">${esc(row.label)}</text>`,
      `<rect x="${Math.min(from, to)}" y="${y + 5}" width="${Math.max(1, Math.abs(to - from))}" height="${rowH - 10}" fill="${color}"/>`,
    );
    const text = `${row.ratio >= 10 ? row.ratio.toFixed(1) : row.ratio.toFixed(2)}×${clipped ? " (off scale)" : ""}`;
    const right = to >= from;
    out.push(
      `<text x="${right ? to + 4 : to - 4}" y="${y + rowH / 2 + 4}" text-anchor="${right ? "start" : "end"}" fill="#222">${esc(text)}</text>`,
    );
    if (row.milestone !== undefined) {
      const mx = x(row.milestone);
      out.push(
        `<line x1="${mx}" y1="${y + 2}" x2="${mx}" y2="${y + rowH - 2}" stroke="#000" stroke-width="1.5" stroke-dasharray="3,2"/>`,
      );
    }
    if (row.target !== undefined) {
      const tx = x(row.target);
      out.push(
        `<line x1="${tx}" y1="${y + 2}" x2="${tx}" y2="${y + rowH - 2}" stroke="#000" stroke-width="2.5"/>`,
      );
    }
  });
  out.push(
    `<text x="${x0}" y="${H - 8}" fill="#555">← ours smaller / fewer</text>`,
    `<text x="${x1}" y="${H - 8}" fill="#555" text-anchor="end">ours larger / more →</text>`,
    `</svg>`,
  );
  return `${out.join("\n")}\n`;
}

package report

import (
	"html/template"
	"strings"
)

// pageTemplate is parsed once from the constant below; Must can only
// fail on a bug in that constant, which every test would catch.
var pageTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"upper": strings.ToUpper,
}).Parse(pageHTML))

// The markup is XHTML-compatible (void elements closed, attributes
// quoted) so tests can check it with a strict XML parser. The CSS has no
// "<" or "&" for the same reason.
const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{{.PlacardWord}} · {{.Title}} · struna assessment</title>
<style>
:root { --ink: #1a1a1a; --muted: #5f6368; --rule: #c8c8c8; --zebra: #f4f5f7; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 0 20px 40px; }
h2 { font-size: 19px; margin: 30px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 15px; margin: 18px 0 6px; }
p { margin: 6px 0; }
.muted, .note { color: var(--muted); }
.note { font-size: 13px; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }

/* Verdict banner: colour plus words, so it reads in greyscale print. */
.verdict { max-width: 1100px; margin: 0 auto; padding: 14px 20px 18px; border-bottom: 6px solid #000; }
.placard-red { background: #b3151b; color: #fff; }
.placard-yellow { background: #f6c200; color: #000; }
.placard-green { background: #1e7b34; color: #fff; }
.vhead { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 4px 18px; font-size: 13px; opacity: 0.95; }
.vhead .title { font-weight: 700; font-size: 15px; }
.vmain { display: flex; flex-wrap: wrap; gap: 18px; align-items: stretch; margin-top: 10px; }
.word { flex: 1 1 420px; }
.placard-word { font-size: 60px; line-height: 1.05; font-weight: 900; letter-spacing: 0.02em; }
.placard-line { font-size: 22px; font-weight: 700; margin-top: 4px; }
.placard-note { font-size: 14px; margin-top: 6px; max-width: 560px; }
.vside { flex: 0 1 420px; display: grid; gap: 10px; }
.card { background: #fff; color: #000; border: 2px solid #000; padding: 8px 12px; }
.card .lbl { display: block; font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.06em; color: #444; }
.card b { font-size: 22px; display: block; line-height: 1.2; }
.card .expl { font-size: 13px; }
.conf { display: flex; align-items: center; gap: 14px; }
.conf svg { width: 200px; height: 14px; }

.hazards { border: 4px solid #000; margin: 16px 0 0; padding: 8px 14px 10px;
  background: repeating-linear-gradient(-45deg, #ffd400 0 14px, #000 14px 28px); }
.hazards .inner { background: #fff; padding: 6px 12px; }
.hazards h2 { border: 0; margin: 0 0 4px; font-size: 20px; }
.hazards li { font-size: 16px; }
.reasons ul, .limits ul { margin: 4px 0; padding-left: 22px; }
.reasons li { font-size: 15px; margin: 2px 0; }

.keyfig { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 8px; margin: 16px 0 0; }
.keyfig div { border: 1px solid var(--rule); padding: 6px 10px; }
.keyfig dt { font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
.keyfig dd { margin: 0; font-size: 17px; font-weight: 700; }

.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 30px; }
@media (max-width: 800px) { .cols { grid-template-columns: 1fr; } }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; }

table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { background: #e8eaed; font-weight: 600; border-bottom: 2px solid #888; white-space: nowrap; }
tbody tr:nth-child(even) { background: var(--zebra); }
table.narrow { width: auto; min-width: 50%; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.unused td { color: #777; }
tr.suspect td { background: #fde2e1; font-weight: 700; }
tr.drop td.df { font-weight: 700; }

.badge { display: inline-block; font-size: 11px; font-weight: 700; text-transform: uppercase;
  padding: 0 5px; border: 1px solid #000; margin-right: 4px; letter-spacing: 0.03em; }
.sev-error { background: #b3151b; color: #fff; }
.sev-warning { background: #f6c200; color: #000; }
.sev-info { background: #e8eaed; color: #000; }
.flag { margin: 1px 0; }
.used-no { font-weight: 700; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin: 4px 0; }
.chip { border: 1px solid #888; padding: 2px 8px; }
.chip b { font-weight: 600; }
.ls-damaged { border: 2px solid #b3151b; background: #fde2e1; font-weight: 700; }
.ls-off { border-style: dashed; }
.dmg-severe, .dmg-collapse { font-weight: 800; text-transform: uppercase; }

figure { margin: 10px 0 16px; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 2px; }
svg text { font-size: 12.5px; fill: #222; }
svg .axlabel { font-size: 13px; font-weight: 600; }
svg .legend { font-size: 12.5px; }
svg .mlabel { font-size: 12.5px; font-weight: 700; fill: #b34700; }
svg .hlabel { font-size: 12px; font-weight: 700; fill: #8a3b6b; }
svg .ptitle { font-size: 13.5px; font-weight: 700; }
svg .nodata { fill: #777; font-style: italic; }
svg .vlabel { font-size: 12px; font-weight: 600; }
svg .mlabel, svg .hlabel, svg .vlabel { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg .tickb { font-size: 13px; font-weight: 600; }
svg .rowlabel { font-size: 13px; }
.shapes { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 10px 24px; }
.shapes figure { margin: 0; border: 1px solid var(--rule); padding: 6px 8px; }
.shapes h3 { margin: 0 0 2px; font-size: 14px; }
.empty { border: 1px dashed #999; padding: 10px 14px; color: #444; background: #fafafa; }
pre.prov { background: #f6f7f9; border: 1px solid var(--rule); padding: 10px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
footer { max-width: 1100px; margin: 0 auto; padding: 12px 20px 30px; border-top: 1px solid var(--rule); font-size: 12px; color: var(--muted); }

@page { size: A4; margin: 12mm; }
@media print {
  body { font-size: 10pt; }
  main, .verdict, footer { max-width: none; padding-left: 0; padding-right: 0; }
  .verdict { padding: 8px 10px; }
  h2 { break-after: avoid; }
  figure, .card, .hazards, tr, .shapes figure { break-inside: avoid; }
  .shapes { grid-template-columns: 1fr 1fr; }
}
</style>
</head>
<body>
<header class="verdict placard-{{.Placard}}" id="verdict">
 <div class="vhead"><span class="title">{{.Title}}</span><span>struna structural assessment · {{.Created}}</span></div>
 <div class="vmain">
  <div class="word">
   <div class="placard-word">{{.PlacardWord}}</div>
   <div class="placard-line">{{.PlacardLine}}</div>
   <div class="placard-note">{{.PlacardNote}} (ATC-20 {{.Placard}} placard)</div>
  </div>
  <div class="vside">
   <div class="card"><span class="lbl">Technical condition · GOST 31937</span><b>{{.Category}}</b><span class="expl">{{.CategoryLine}}</span></div>
   <div class="card"><span class="lbl">Confidence in this verdict</span><div class="conf"><b>{{.Confidence}}</b>{{.ConfidenceBar}}</div></div>
  </div>
 </div>
</header>
<main>
{{if .Hazards}}<section class="hazards" id="hazards"><div class="inner">
<h2>⚠ Hazards to responders</h2>
<ul>{{range .Hazards}}<li><b>{{upper .Kind}}</b>{{if .Detail}} — {{.Detail}}{{end}}</li>{{end}}</ul>
</div></section>{{end}}
<section class="reasons" id="reasons">
<h2>Reasons for the verdict</h2>
{{if .Reasons}}<ul>{{range .Reasons}}<li>{{.}}</li>{{end}}</ul>{{else}}<p class="empty">The report gives no reasons for this verdict.</p>{{end}}
<dl class="keyfig">{{range .KeyFigures}}<div><dt>{{.K}}</dt><dd>{{.V}}</dd></div>{{end}}</dl>
</section>

<section id="building">
<h2>1. Building and survey</h2>
<div class="cols">
<div><h3>Building</h3><dl class="kv">{{range .Building}}<dt>{{.K}}</dt><dd>{{.V}}</dd>{{end}}</dl></div>
<div><h3>Recording</h3><dl class="kv">{{range .Recording}}<dt>{{.K}}</dt><dd>{{.V}}</dd>{{end}}
<dt>Files</dt><dd>{{if .Files}}{{range $i, $f := .Files}}{{if $i}}, {{end}}<span class="mono">{{$f}}</span>{{end}}{{else}}—{{end}}</dd></dl></div>
</div>
<h3>Crew observations</h3>
<p>Visible damage: <span class="{{.Damage.V}}">{{.Damage.K}}</span></p>
<div class="chips">{{range .LifeSupport}}<span class="chip {{.Class}}"><b>{{.Name}}:</b> {{.State}}</span>{{end}}</div>
{{if .Notes}}<p>Notes: {{.Notes}}</p>{{end}}
<h3>Sensors</h3>
{{if .Sensors}}<table class="narrow"><thead><tr><th>Channel</th><th class="n">Floor</th><th class="n">x (m)</th><th class="n">y (m)</th><th>Axis</th></tr></thead><tbody>
{{range .Sensors}}<tr><td class="mono">{{.Channel}}</td><td class="n">{{.Floor}}</td><td class="n">{{.X}}</td><td class="n">{{.Y}}</td><td>{{.Axis}}</td></tr>
{{end}}</tbody></table>{{else}}<p class="empty">The report lists no sensor placement.</p>{{end}}
</section>

<section id="quality">
<h2>2. Quality control of every channel</h2>
<dl class="kv">{{range .QualityKV}}<dt>{{.K}}</dt><dd>{{.V}}</dd>{{end}}</dl>
{{if .QualityIssues}}<ul>{{range .QualityIssues}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Channels}}<table><thead><tr><th>Channel</th><th class="n">Rate (Hz)</th><th class="n">Samples</th><th class="n">Gaps</th><th>Findings</th><th>Used</th></tr></thead><tbody>
{{range .Channels}}<tr class="{{.Class}}"><td class="mono">{{.ID}}</td><td class="n">{{.Rate}}</td><td class="n">{{.Samples}}</td><td class="n">{{.Gaps}}</td><td>{{range .Flags}}<div class="flag"><span class="badge {{.Class}}">{{.Severity}}</span><b>{{.Code}}</b>{{if .Detail}}: {{.Detail}}{{end}}</div>{{else}}none{{end}}</td><td>{{if .Used}}yes{{else}}<span class="used-no">no</span>{{end}}</td></tr>
{{end}}</tbody></table>{{else}}<p class="empty">The report lists no channels.</p>{{end}}
</section>

<section id="spectrum">
<h2>3. Spectrum and picked peaks</h2>
{{if .Spectrum}}<figure>{{.Spectrum}}<figcaption>Singular values of the cross-spectral matrix (frequency domain decomposition). Dashed vertical lines: identified structural modes, numbered as in the table below{{if .Harmonics}}; dotted: harmonic (machinery) peaks, not structural{{end}}.</figcaption></figure>{{else}}<p class="empty">{{.SpectrumMissing}}</p>{{end}}
</section>

<section id="stabilization">
<h2>4. Stabilization diagram</h2>
{{if .Stabilization}}<figure>{{.Stabilization}}<figcaption>Poles of the stochastic subspace identification at each model order. A physical mode shows as a column of stable poles (frequency, damping and shape agree between consecutive orders).</figcaption></figure>{{else}}<p class="empty">{{.StabilizationMiss}}</p>{{end}}
</section>

<section id="modes">
<h2>5. Modes and mode shapes by floor</h2>
{{if .Modes}}<table><thead><tr><th>#</th><th class="n">f (Hz)</th><th class="n">± (Hz)</th><th class="n">ζ</th><th class="n">±</th><th class="n">MPC</th><th class="n">MPD (°)</th><th>Direction</th><th>Methods</th></tr></thead><tbody>
{{range .Modes}}<tr><td>{{.N}}</td><td class="n">{{.F}}</td><td class="n">{{.FStd}}</td><td class="n">{{.Zeta}}</td><td class="n">{{.ZetaStd}}</td><td class="n">{{.MPC}}</td><td class="n">{{.MPD}}</td><td>{{.Direction}}</td><td>{{.Methods}}</td></tr>
{{end}}</tbody></table>
<p class="note">± is the spread over segments and clusters. MPC (modal phase collinearity) near 1 means a real, classically damped shape.</p>
{{else}}<p class="empty">No structural mode was identified in this recording.</p>{{end}}
{{if .Harmonics}}<h3>Harmonic peaks (not structural)</h3>
<table><thead><tr><th>#</th><th class="n">f (Hz)</th><th class="n">± (Hz)</th><th class="n">ζ</th><th>Methods</th></tr></thead><tbody>
{{range .Harmonics}}<tr><td>{{.N}}</td><td class="n">{{.F}}</td><td class="n">{{.FStd}}</td><td class="n">{{.Zeta}}</td><td>{{.Methods}}</td></tr>
{{end}}</tbody></table>{{end}}
{{if .Shapes}}<h3>Shapes by floor</h3>
<p class="note">Each shape is rotated to its most real form and scaled so the largest component is +1. Circles: individual sensors (with ±1 standard error where the report gives one); solid line: mean per floor; dashed line to the ground: fixed base assumed, not measured.</p>
<div class="shapes">{{range .Shapes}}<figure><h3>{{.Title}}</h3>{{if .SVG}}{{.SVG}}{{end}}{{if .Note}}<figcaption>{{.Note}}</figcaption>{{end}}</figure>{{end}}</div>
{{if .ShapesMore}}<p class="note">{{.ShapesMore}}</p>{{end}}
{{else}}<p class="empty">{{.ShapesMissing}}</p>{{end}}
</section>

<section id="reference">
<h2>6. Comparison with the reference</h2>
<p><b>Reference: {{.RefTitle}}.</b> {{.RefExplain}}</p>
{{if .RefNote}}<p>{{.RefNote}}</p>{{end}}
{{if .ModeChanges}}<h3>Frequency change per mode</h3>
<table><thead><tr><th>Axis</th><th class="n">Order</th><th class="n">f ref (Hz)</th><th class="n">f (Hz)</th><th class="n">Δf/f</th><th class="n">Stiffness (f/f ref)²</th><th class="n">Δζ/ζ</th><th class="n">MAC</th></tr></thead><tbody>
{{range .ModeChanges}}<tr class="{{.Class}}"><td>{{.Axis}}</td><td class="n">{{.Order}}</td><td class="n">{{.FRef}}</td><td class="n">{{.F}}</td><td class="n df">{{.DF}}</td><td class="n">{{.Stiffness}}</td><td class="n">{{.DZeta}}</td><td class="n">{{.MAC}}</td></tr>
{{end}}</tbody></table>
<figure>{{.DFChart}}<figcaption>Relative frequency change against the reference, per axis and mode order. For scale: a 5 % drop is a 10 % stiffness loss, 10 % → 19 %, 30 % → 51 %; undamaged buildings wander 2–5 % with temperature and amplitude.</figcaption></figure>
{{else if eq .RefKind "baseline"}}<p class="empty">No mode could be matched with the baseline, so no frequency change is computed.</p>{{end}}
{{if .Formulas}}<h3>Code estimates of the fundamental period</h3>
<table><thead><tr><th>Formula</th><th class="n">T1 (s)</th><th class="n">f1 (Hz)</th><th>Source</th></tr></thead><tbody>
{{range .Formulas}}<tr><td>{{.Name}}</td><td class="n">{{.T1}}</td><td class="n">{{.F1}}</td><td>{{.Source}}</td></tr>
{{end}}</tbody></table>{{end}}
{{if .TypologyChart}}<figure>{{.TypologyChart}}<figcaption>{{.TypologyText}}</figcaption></figure>{{else if .TypologyText}}<p>{{.TypologyText}}</p>{{end}}
<h3>Storey indicators</h3>
{{if .Storeys}}<table><thead><tr><th>Axis</th><th>Floors</th><th class="n">Drift share</th><th class="n">Reference share</th><th class="n">Stiffness ratio</th><th class="n">Storey equivalent</th><th>Finding</th></tr></thead><tbody>
{{range .Storeys}}<tr{{if .Suspect}} class="suspect"{{end}}><td>{{.Axis}}</td><td>{{.Interval}}</td><td class="n">{{.Drift}}</td><td class="n">{{.Ref}}</td><td class="n">{{.Stiffness}}</td><td class="n">{{.StoreyEq}}</td><td>{{if .Suspect}}SUSPECT{{else}}—{{end}}</td></tr>
{{end}}</tbody></table>
<p class="note">Drift share: part of the first mode's deformation between the two instrumented floors. A storey that takes a larger share than in the reference has lost stiffness.</p>
{{else}}<p class="empty">No storey indicators: they need at least two instrumented levels on an axis.</p>{{end}}
</section>

<section id="limits" class="limits">
<h2>7. Limits, policy and provenance</h2>
<h3>What this assessment cannot see</h3>
{{if .Limits}}<ul>{{range .Limits}}<li>{{.}}</li>{{end}}</ul>{{else}}<p>The report lists no specific limits.</p>{{end}}
<p class="note">Ambient vibration measures the global stiffness of the building. Damage local to one member or connection may not move the global frequencies; a structural engineer's inspection is still required.</p>
<dl class="kv">
<dt>Decision policy</dt><dd>{{if .Policy}}{{.Policy}}{{else}}—{{end}}</dd>
<dt>Software</dt><dd>{{if .Software}}{{.Software}}{{else}}—{{end}}</dd>
<dt>Report id</dt><dd class="mono">{{.ID}}</dd>
<dt>Created</dt><dd>{{.Created}}</dd>
<dt>Schema</dt><dd class="mono">{{.Schema}}</dd>
</dl>
<h3>Provenance</h3>
{{if .Provenance}}<pre class="prov">{{.Provenance}}</pre>{{else if .ProvenanceError}}<p class="empty">{{.ProvenanceError}}</p>{{else}}<p class="empty">The report carries no provenance record.</p>{{end}}
</section>
</main>
<footer>Generated by {{if .Software}}{{.Software}}{{else}}struna{{end}} from report {{.ID}}. This page is self-contained: it loads nothing from the network.</footer>
</body>
</html>
`

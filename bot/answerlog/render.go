package answerlog

import (
	"fmt"
	"html"
	"html/template"
	"io"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// maxListed bounds the lists of a report.
const maxListed = 30

func pct(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// WriteText writes the report as plain text.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	if r.Questions == 0 {
		b.WriteString("No questions in the answer log for this period.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "Answer log %s – %s\n\n", r.From.Format("2006-01-02 15:04"), r.To.Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "Questions       %d\n", r.Questions)
	fmt.Fprintf(&b, "Answered        %d\n", r.Answered)
	if r.FollowUps > 0 {
		fmt.Fprintf(&b, "Follow-ups      %d (declined %d)\n", r.FollowUps, r.FollowUpsDeclined)
	}
	fmt.Fprintf(&b, "Declined        %d (decline rate %s)\n", r.Declined, pct(r.DeclineRate()))
	if r.Failed > 0 {
		fmt.Fprintf(&b, "Failed          %d\n", r.Failed)
	}
	fmt.Fprintf(&b, "Feedback        👍 %d  👎 %d (%s positive; %d of %d answers rated)\n", r.Up, r.Down, pct(r.FeedbackRatio()), r.Rated, r.Questions)
	fmt.Fprintf(&b, "Latency (ms)    p50 %.0f  p90 %.0f  p95 %.0f  p99 %.0f  max %.0f\n", r.Latency.P50, r.Latency.P90, r.Latency.P95, r.Latency.P99, r.Latency.Max)
	fmt.Fprintf(&b, "Retrieval (ms)  p50 %.0f  p95 %.0f\n", r.Retrieve.P50, r.Retrieve.P95)
	paths := make([]string, 0, len(r.Paths))
	for p := range r.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	b.WriteString("Paths          ")
	for _, p := range paths {
		fmt.Fprintf(&b, " %s %d", p, r.Paths[p])
	}
	b.WriteString("\n")
	if r.BadLines > 0 {
		fmt.Fprintf(&b, "Unreadable log lines: %d\n", r.BadLines)
	}

	fmt.Fprintf(&b, "\nDeclined questions (knowledge gaps): %d distinct\n", len(r.Gaps))
	for i, g := range r.Gaps {
		if i == maxListed {
			fmt.Fprintf(&b, "  … and %d more\n", len(r.Gaps)-maxListed)
			break
		}
		fmt.Fprintf(&b, "  %3d× %s  (last %s)\n", g.Count, clip(g.Resolved(), 200), g.Last.Format("2006-01-02"))
	}

	fmt.Fprintf(&b, "\nThumbs-down answers: %d\n", len(r.ThumbsDown))
	for i, j := range r.ThumbsDown {
		if i == maxListed {
			fmt.Fprintf(&b, "  … and %d more\n", len(r.ThumbsDown)-maxListed)
			break
		}
		rec := j.Record
		fmt.Fprintf(&b, "  [%s] %s  👎 %d 👍 %d  (%s, %s)\n", rec.ID, rec.Time.UTC().Format("2006-01-02 15:04"), j.Down, j.Up, rec.Path, rec.Chat.Type)
		fmt.Fprintf(&b, "    Q: %s\n", clip(rec.Resolved(), 300))
		fmt.Fprintf(&b, "    A: %s\n", clip(rec.Answer, 300))
		for k, c := range rec.Chunks {
			if k == 3 {
				break
			}
			mark := " "
			if c.Cited {
				mark = "*"
			}
			fmt.Fprintf(&b, "    %s %.4f %s — %s\n", mark, c.Score, clip(c.Title, 60), clip(c.Excerpt, 100))
		}
	}

	b.WriteString("\nMost-cited documents:\n")
	for i, c := range r.Cited {
		if i == maxListed {
			break
		}
		fmt.Fprintf(&b, "  %4d  %s (%s)\n", c.Count, clip(c.Title, 80), c.Doc)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteHTML writes the report as one self-contained HTML page: inline CSS
// and inline SVG charts, no scripts and nothing fetched from elsewhere.
func (r *Report) WriteHTML(w io.Writer, generated time.Time) error {
	return reportTmpl.Execute(w, htmlData{R: r, Generated: generated.UTC(), Charts: r.charts()})
}

type htmlData struct {
	R         *Report
	Generated time.Time
	Charts    []template.HTML
}

func (r *Report) charts() []template.HTML {
	if len(r.Days) == 0 {
		return nil
	}
	labels := make([]string, len(r.Days))
	var answered, declined, failed, rate, up, down []float64
	for i, d := range r.Days {
		labels[i] = d.Date.Format("01-02")
		answered = append(answered, float64(d.Questions-d.Declined-d.Fails))
		declined = append(declined, float64(d.Declined))
		failed = append(failed, float64(d.Fails))
		rt := 0.0
		if d.Questions > 0 {
			rt = 100 * float64(d.Declined) / float64(d.Questions)
		}
		rate = append(rate, rt)
		up = append(up, float64(d.Up))
		down = append(down, float64(d.Down))
	}
	return []template.HTML{
		barChart("Questions per day", labels, []series{{"answered", "#3b7dd8", answered}, {"declined", "#e0a030", declined}, {"failed", "#c0392b", failed}}, ""),
		barChart("Decline rate per day", labels, []series{{"declined %", "#e0a030", rate}}, "%"),
		barChart("Feedback per day", labels, []series{{"thumbs up", "#2e9e5b", up}, {"thumbs down", "#c0392b", down}}, ""),
	}
}

type series struct {
	name, color string
	values      []float64
}

// barChart draws stacked bars, one per label, as an inline SVG.
func barChart(title string, labels []string, ss []series, unit string) template.HTML {
	const width, height, left, bottom, top = 720, 220, 44, 34, 28
	plotW, plotH := float64(width-left-10), float64(height-bottom-top)
	maxV := 0.0
	for i := range labels {
		sum := 0.0
		for _, s := range ss {
			sum += s.values[i]
		}
		maxV = max(maxV, sum)
	}
	if unit == "%" {
		maxV = 100
	}
	if maxV == 0 {
		maxV = 1
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`, width, height, width, height, html.EscapeString(title))
	fmt.Fprintf(&b, `<text x="%d" y="16" class="ct">%s</text>`, left, html.EscapeString(title))
	// Axis and gridlines at 0, ½ and the maximum.
	for _, f := range []float64{0, 0.5, 1} {
		y := float64(top) + plotH*(1-f)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`, left, y, width-10, y)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" class="ax" text-anchor="end">%s%s</text>`, left-4, y+4, trimFloat(maxV*f), unit)
	}
	slot := plotW / float64(len(labels))
	barW := min(48, max(2, slot*0.7))
	every := max(1, len(labels)/12)
	for i, l := range labels {
		x := float64(left) + slot*float64(i) + (slot-barW)/2
		y := float64(top) + plotH
		for _, s := range ss {
			v := s.values[i]
			if v <= 0 {
				continue
			}
			h := plotH * v / maxV
			y -= h
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %s%s</title></rect>`,
				x, y, barW, h, s.color, html.EscapeString(l), html.EscapeString(s.name), trimFloat(v), unit)
		}
		if i%every == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="ax" text-anchor="middle">%s</text>`, x+barW/2, height-bottom+14, html.EscapeString(l))
		}
	}
	lx := left
	for _, s := range ss {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" class="ax">%s</text>`,
			lx, height-12, s.color, lx+14, height-3, html.EscapeString(s.name))
		lx += 24 + 7*utf8.RuneCountInString(s.name)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every interpolated string above is escaped
}

func trimFloat(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprintf("%.1f", f)
}

var reportTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":  pct,
	"clip": clip,
	"ms":   func(f float64) string { return fmt.Sprintf("%.0f ms", f) },
	"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") },
	"more": func(n int) bool { return n > maxListed },
	"upto": func(n int) []int {
		out := make([]int, min(n, maxListed))
		for i := range out {
			out[i] = i
		}
		return out
	},
	"top3": func(cs []Chunk) []Chunk { return cs[:min(3, len(cs))] },
	// rev lists a thread newest first, as it reads after the question.
	"rev": func(s []string) []string {
		out := slices.Clone(s)
		slices.Reverse(out)
		return out
	},
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>policybot answer review</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC",sans-serif;margin:24px auto;max-width:980px;color:#222;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#666}.ctx{color:#777}.cards{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:120px}.card b{display:block;font-size:20px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f6f6f6}.num{text-align:right;white-space:nowrap}.ev{color:#555;font-size:12px}
.judged{border:1px solid #eee;border-radius:6px;padding:8px 12px;margin:10px 0}.judged td.num{width:80px}
svg{max-width:100%;height:auto;display:block;margin:10px 0}svg .ct{font-size:13px;font-weight:600}svg .ax{font-size:10px;fill:#555}
</style></head><body>
<h1>policybot answer review</h1>
{{with .R}}{{if .Questions}}<div class="sub">{{when .From}} – {{when .To}} UTC · generated {{when $.Generated}} UTC</div>
<div class="cards">
<div class="card"><b>{{.Questions}}</b>questions</div>
<div class="card"><b>{{.Answered}}</b>answered</div>
{{if .FollowUps}}<div class="card"><b>{{.FollowUps}}</b>follow-ups ({{.FollowUpsDeclined}} declined)</div>{{end}}
<div class="card"><b>{{.Declined}}</b>declined ({{pct .DeclineRate}})</div>
<div class="card"><b>{{.Up}} up · {{.Down}} down</b>feedback: {{pct .FeedbackRatio}} positive, {{.Rated}} rated</div>
<div class="card"><b>{{ms .Latency.P50}}</b>p50 latency (p95 {{ms .Latency.P95}}, p99 {{ms .Latency.P99}})</div>
</div>
{{range $.Charts}}{{.}}{{end}}
<h2>Declined questions (knowledge gaps)</h2>
{{if .Gaps}}<table><tr><th class="num">times</th><th>question</th><th>last asked</th></tr>
{{range $i, $_ := upto (len .Gaps)}}{{with index $.R.Gaps $i}}<tr><td class="num">{{.Count}}</td><td>{{.Question}}{{range (rev .Context)}} <span class="ctx">← {{.}}</span>{{end}}</td><td>{{when .Last}}</td></tr>{{end}}{{end}}
</table>{{if more (len .Gaps)}}<p class="sub">… {{len .Gaps}} in all.</p>{{end}}{{else}}<p>None.</p>{{end}}
<h2>Thumbs-down answers</h2>
{{if .ThumbsDown}}{{range $i, $_ := upto (len .ThumbsDown)}}{{with index $.R.ThumbsDown $i}}<div class="judged">
<div class="sub">{{when .Record.Time}} · {{.Record.Chat.Type}} · path {{.Record.Path}} · {{.Down}} down, {{.Up}} up · record {{.Record.ID}}</div>
<p><b>Q:</b> {{.Record.Question}}{{range (rev .Record.Thread)}} <span class="ctx">← {{.}}</span>{{end}}</p><p><b>A:</b> {{clip .Record.Answer 600}}</p>
<table>{{range top3 .Record.Chunks}}<tr><td class="num">{{printf "%.4f" .Score}}{{if .Cited}} ★{{end}}</td><td><b>{{.Title}}</b><div class="ev">{{.Excerpt}}</div></td></tr>{{end}}</table>
</div>{{end}}{{end}}{{else}}<p>None.</p>{{end}}
<h2>Most-cited documents</h2>
{{if .Cited}}<table><tr><th class="num">citations</th><th>document</th></tr>
{{range $i, $_ := upto (len .Cited)}}{{with index $.R.Cited $i}}<tr><td class="num">{{.Count}}</td><td>{{.Title}} <span class="ev">{{.Doc}}</span></td></tr>{{end}}{{end}}
</table>{{else}}<p>None.</p>{{end}}
<h2>Latency</h2>
<table><tr><th></th><th class="num">p50</th><th class="num">p90</th><th class="num">p95</th><th class="num">p99</th><th class="num">max</th></tr>
<tr><td>total</td><td class="num">{{ms .Latency.P50}}</td><td class="num">{{ms .Latency.P90}}</td><td class="num">{{ms .Latency.P95}}</td><td class="num">{{ms .Latency.P99}}</td><td class="num">{{ms .Latency.Max}}</td></tr>
<tr><td>retrieval</td><td class="num">{{ms .Retrieve.P50}}</td><td class="num">{{ms .Retrieve.P90}}</td><td class="num">{{ms .Retrieve.P95}}</td><td class="num">{{ms .Retrieve.P99}}</td><td class="num">{{ms .Retrieve.Max}}</td></tr>
</table>
{{else}}<p>No questions in the answer log for this period.</p>{{end}}{{end}}
</body></html>
`))

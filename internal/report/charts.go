package report

import (
	"bytes"
	"fmt"
	"image/color"
	"sync"

	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"thucongvu/assets"
	"thucongvu/internal/i18n"
)

var (
	fontOnce sync.Once
	fontErr  error
	// chartFont has every Vietnamese letter (R5).
	chartFont = font.Font{Typeface: "DejaVu Sans"}
	blue      = color.RGBA{R: 0x1f, G: 0x5f, B: 0xa8, A: 0xff}
	red       = color.RGBA{R: 0xc0, G: 0x39, B: 0x2b, A: 0xff}
)

func loadFont() error {
	fontOnce.Do(func() {
		f, err := opentype.Parse(assets.DejaVuSans())
		if err != nil {
			fontErr = fmt.Errorf("chart font: %w", err)
			return
		}
		font.DefaultCache.Add(font.Collection{{Font: chartFont, Face: f}})
		plot.DefaultFont = chartFont
		plotter.DefaultFont = chartFont
	})
	return fontErr
}

func newPlot(title, yLabel string) (*plot.Plot, error) {
	if err := loadFont(); err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(12)
	p.Y.Label.Text = yLabel
	p.Y.Min = 0
	return p, nil
}

func render(p *plot.Plot) ([]byte, error) {
	w, err := p.WriterTo(16*vg.Centimeter, 7*vg.Centimeter, "png")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// MonthChart is a PNG bar chart of documents received and sent per
// month, labelled in msg's language.
func MonthChart(r *Report, msg *i18n.Catalog) ([]byte, error) {
	p, err := newPlot(msg.T("report.chart.month"), msg.T("report.chart.documents"))
	if err != nil {
		return nil, err
	}
	in, out := make(plotter.Values, len(r.PerMonth)), make(plotter.Values, len(r.PerMonth))
	var names []string
	for i, m := range r.PerMonth {
		in[i], out[i] = float64(m.Received), float64(m.Sent)
		names = append(names, m.Month[5:]+"/"+m.Month[2:4])
	}
	w := vg.Points(10)
	bIn, err := plotter.NewBarChart(in, w)
	if err != nil {
		return nil, err
	}
	bOut, err := plotter.NewBarChart(out, w)
	if err != nil {
		return nil, err
	}
	bIn.Color, bIn.LineStyle.Width = blue, 0
	bOut.Color, bOut.LineStyle.Width = red, 0
	bIn.Offset, bOut.Offset = -w/2, w/2
	p.Add(bIn, bOut)
	p.Legend.Add(msg.T("report.chart.in"), bIn)
	p.Legend.Add(msg.T("report.chart.out"), bOut)
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs = vg.Points(30)
	p.NominalX(names...)
	return render(p)
}

// countChart is a PNG bar chart of labelled counts.
func countChart(title, unit string, counts []Count, c color.Color) ([]byte, error) {
	p, err := newPlot(title, unit)
	if err != nil {
		return nil, err
	}
	vals := make(plotter.Values, len(counts))
	var names []string
	for i, n := range counts {
		vals[i] = float64(n.Count)
		names = append(names, n.Label)
	}
	if len(vals) == 0 {
		vals, names = plotter.Values{0}, []string{"—"}
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(18))
	if err != nil {
		return nil, err
	}
	bars.Color, bars.LineStyle.Width = c, 0
	p.Add(bars)
	p.NominalX(names...)
	p.X.Tick.Label.Font.Size = vg.Points(7)
	return render(p)
}

// TypeChart is a PNG bar chart of documents by type (R9).
func TypeChart(r *Report, msg *i18n.Catalog) ([]byte, error) {
	counts := r.ByType
	if len(counts) > 8 {
		rest := 0
		for _, c := range counts[7:] {
			rest += c.Count
		}
		counts = append(counts[:7:7], Count{"Khác", rest})
	}
	return countChart(msg.T("report.chart.type"), msg.T("report.chart.documents"), counts, blue)
}

// AckChart is a PNG bar chart of the time taken to acknowledge (R2).
func AckChart(r *Report, msg *i18n.Catalog) ([]byte, error) {
	return countChart(msg.T("report.chart.ack"), msg.T("report.chart.documents"), r.AckTimes, red)
}

// Charts are the report's three charts in msg's language: documents per
// month, by type, time to acknowledge.
func Charts(r *Report, msg *i18n.Catalog) ([][]byte, error) {
	var out [][]byte
	for _, chart := range []func(*Report, *i18n.Catalog) ([]byte, error){MonthChart, TypeChart, AckChart} {
		png, err := chart(r, msg)
		if err != nil {
			return nil, err
		}
		out = append(out, png)
	}
	return out, nil
}

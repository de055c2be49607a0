package pdf

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/policybot/policybot/internal/hostile"
	"github.com/policybot/policybot/knowledge/limits"
)

// TestExtractHostile feeds the PDFs of issue 13 and their relatives: each
// must come back (no crash, no hang) with the limit it went over, or with
// its text. The inputs that crashed the process are full size.
func TestExtractHostile(t *testing.T) {
	small := limits.Limits{MaxDecodedBytes: 16 << 20, MaxTextItems: 100_000, MaxObjects: 200_000}
	tests := []struct {
		name    string
		raw     func() []byte
		lim     limits.Limits
		wantKey limits.Key // "" for no limit error
		wantErr string     // else an error mentioning this
		want    string     // text of page 1, when no error
	}{
		{"3,000,000 nested arrays in the trailer", func() []byte { return hostile.NestedArrayPDF(3_000_000) }, limits.Limits{}, limits.Depth, "", ""},
		{"1,000,000 nested arrays in an object stream", func() []byte { return hostile.NestedObjStmPDF(1_000_000) }, limits.Limits{}, limits.Depth, "", ""},
		{"nesting under the limit", func() []byte { return hostile.NestedObjStmPDF(50) }, limits.Limits{}, "", "", "packed"},
		{"object streams in each other (pdftotext reads it)", hostile.ObjStmLoopPDF, limits.Limits{}, "", "", "pdftotext text"},
		{"262,144 pages", func() []byte { return hostile.ManyPagesPDF(262_144, 1<<10) }, limits.Limits{}, limits.Pages, "", ""},
		{"2,000 pages of 1 MB content", func() []byte { return hostile.ManyPagesPDF(2000, 1<<20) }, limits.Limits{MaxDecodedBytes: 3 << 20}, limits.DecodedBytes, "", ""},
		{"200,000 text items", func() []byte { return hostile.ManyItemsPDF(200_000) }, small, limits.TextItems, "", ""},
		{"a font with its own full CMap on every page", func() []byte { return hostile.FontBombPDF(50) }, small, limits.Objects, "", ""},
		{"forms drawing forms", func() []byte { return hostile.FormBombPDF(20, 3) }, small, "", "", "form"},
		{"more text than allowed", func() []byte { return hostile.TextPDF(strings.Repeat("policy ", 400)) }, limits.Limits{MaxTextBytes: 1000}, limits.TextBytes, "", ""},
		{"a file over the size limit", func() []byte { return hostile.TextPDF("policy") }, limits.Limits{MaxFileBytes: 100}, limits.FileBytes, "", ""},
	}
	// A pdftotext that would read anything: a file over a limit must not
	// get a second reader.
	fallback := testFakePDFToText(t, "echo 'pdftotext text'")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pages, _, err := Extract(context.Background(), tt.raw(), WithLimits(tt.lim), WithPDFToText(fallback))
			var le *limits.Error
			switch {
			case tt.wantKey != "":
				if !errors.As(err, &le) || le.Key != tt.wantKey {
					t.Fatalf("Extract() = %d pages, error %v; want the limit %s", len(pages), err, tt.wantKey)
				}
				if !strings.Contains(err.Error(), "limits."+string(tt.wantKey)) {
					t.Errorf("Extract() error %q, want it to name limits.%s", err, tt.wantKey)
				}
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Extract() = %d pages, error %v; want an error mentioning %q", len(pages), err, tt.wantErr)
				}
			default:
				if err != nil || len(pages) == 0 || !strings.HasPrefix(pages[0], tt.want) {
					t.Fatalf("Extract() = %.80q, %v; want page 1 to start with %q", pages, err, tt.want)
				}
			}
		})
	}
}

// TestExtractTimeout: a deadline that passes while a page is read stops
// the reader there, and the error is the deadline's cause.
func TestExtractTimeout(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cause := limits.Default().Over(limits.Timeout)
	cancel(cause)
	_, _, err := Extract(ctx, hostile.ManyItemsPDF(1000), WithPDFToText(""))
	if !errors.Is(err, cause) {
		t.Errorf("Extract(after the deadline) error = %v, want %v", err, cause)
	}
}

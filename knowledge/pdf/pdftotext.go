package pdf

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/policybot/policybot/knowledge/limits"
)

// pdftotextPages runs poppler's pdftotext over raw and splits its output
// into pages on form feeds. It reads at most lim.MaxPages pages and stops
// pdftotext when its output goes over lim.MaxTextBytes; ctx bounds its time.
func pdftotextPages(ctx context.Context, bin string, raw []byte, lim limits.Limits) ([]string, error) {
	f, err := os.CreateTemp("", "policybot-*.pdf")
	if err != nil {
		return nil, fmt.Errorf("pdftotext: %w", err)
	}
	defer os.Remove(f.Name())
	_, werr := f.Write(raw)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, fmt.Errorf("pdftotext: %w", werr)
	}
	var stderr bytes.Buffer
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-l", strconv.Itoa(lim.MaxPages), "-layout", "-enc", "UTF-8", f.Name(), "-")
	cmd.Stderr = &limitedBuffer{max: 4096, buf: &stderr}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("pdftotext: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("pdftotext: %w", err)
	}
	out, rerr := io.ReadAll(io.LimitReader(stdout, lim.MaxTextBytes+1))
	if int64(len(out)) > lim.MaxTextBytes {
		cancel() // kills pdftotext
		cmd.Wait()
		return nil, lim.Over(limits.TextBytes)
	}
	err = cmd.Wait()
	if err == nil {
		err = rerr
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 300 {
			msg = msg[:300]
		}
		if msg != "" {
			return nil, fmt.Errorf("pdftotext: %w: %s", err, msg)
		}
		return nil, fmt.Errorf("pdftotext: %w", err)
	}
	text := strings.ToValidUTF8(string(out), "\uFFFD")
	pages := strings.Split(text, "\f")
	if n := len(pages); n > 1 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	for i, p := range pages {
		pages[i] = tidyLayout(p)
	}
	return pages, nil
}

// tidyLayout trims the lines of pdftotext -layout output, drops blank
// ones, and removes single spaces that the layout put between CJK
// characters.
func tidyLayout(page string) string {
	var out []string
	for _, line := range strings.Split(page, "\n") {
		rs := []rune(strings.TrimSpace(line))
		var b strings.Builder
		for i, r := range rs {
			if r == ' ' && i > 0 && i+1 < len(rs) && wide(rs[i-1]) && wide(rs[i+1]) {
				continue
			}
			b.WriteRune(r)
		}
		if b.Len() > 0 {
			out = append(out, b.String())
		}
	}
	return strings.Join(out, "\n")
}

// limitedBuffer keeps the first max bytes written to it and drops the rest.
type limitedBuffer struct {
	max int
	buf *bytes.Buffer
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/policybot/policybot/bot/answerlog"
)

// runReview summarises the answer log for reviewers, as text on stdout and
// optionally as a self-contained HTML report.
func runReview(ctx context.Context, a *app, args []string) error {
	var common commonFlags
	fs := newFlagSet(a, "review", "")
	common.register(fs)
	since := fs.String("since", "", "only questions since a date (2006-01-02), an RFC 3339 time, or a duration back such as 7d or 36h")
	htmlOut := fs.String("html", "", "also write a self-contained HTML report with charts to this file")
	logDir := fs.String("log", "", "answer log folder (default answer_log.dir, or logs/ in the data directory)")
	if err := a.parse(fs, &common, args); err != nil {
		return err
	}
	now := time.Now()
	from, err := answerlog.ParseSince(*since, now)
	if err != nil {
		return fmt.Errorf("%w: --since %q: %v", errUsage, *since, err)
	}
	dir := *logDir
	if dir == "" {
		if dir, err = answerLogDir(a.cfg); err != nil {
			return err
		}
	}
	l, err := answerlog.Read(dir, from)
	if err != nil {
		return err
	}
	rep := answerlog.Summarize(l)
	if err := rep.WriteText(a.stdout); err != nil {
		return err
	}
	if *htmlOut == "" {
		return nil
	}
	f, err := os.Create(*htmlOut)
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	if err := rep.WriteHTML(f, now); err != nil {
		f.Close()
		return fmt.Errorf("html report %s: %w", *htmlOut, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("html report %s: %w", *htmlOut, err)
	}
	fmt.Fprintf(a.stderr, "wrote %s\n", *htmlOut)
	return nil
}

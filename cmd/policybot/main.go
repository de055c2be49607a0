// Command policybot answers staff questions about policy documents with
// cited, retrieval-grounded replies, on the command line and in Telegram.
//
//	policybot index   [--docs DIR] [--data DIR]        build or refresh the index
//	policybot ask     [--json] [--offline] "question"  answer (stdin: one per line)
//	policybot search  [--json] [--k N] "question"      ranked evidence
//	policybot eval    --qa FILE [--passages FILE]      answer or retrieval quality
//	policybot serve                                    run the Telegram bot
//	policybot review  [--since DATE] [--html FILE]     read the answer log
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/policybot/policybot/config"
	"github.com/policybot/policybot/config/redact"
)

// app is what every subcommand gets: the validated configuration, the one
// logger, and the process's streams (so tests can drive subcommands).
type app struct {
	cfg config.Config
	log *slog.Logger
	// secrets are the configuration's secrets, scrubbed from every log
	// line (by the logger's handler) and from the error a command returns.
	secrets *redact.Secrets
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	getenv  func(string) string
}

type command struct {
	name, summary string
	run           func(ctx context.Context, a *app, args []string) error
}

func commands() []command {
	return []command{
		{"index", "build or refresh the index of the knowledge folder", runIndex},
		{"ask", "answer a question with citations (--json; no argument: one per stdin line)", runAsk},
		{"search", "show the ranked evidence passages for a question", runSearch},
		{"eval", "score answers (--qa), passage retrieval (--passages --qa) or clause retrieval (--docs --qa)", runEval},
		{"serve", "run the Telegram bot", runServe},
		{"review", "summarise the answer log for reviewers (text or --html)", runReview},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	code := exitCode(ctx, err, os.Stderr)
	stop()
	os.Exit(code)
}

// errUsage marks a command-line mistake (exit 2).
var errUsage = errors.New("usage")

// errBelowMin marks an eval score under --min (exit 1, no extra message).
var errBelowMin = errors.New("score below --min")

// exitCode chooses the process exit code in one place: 0 ok, 1 failure,
// 2 usage, 130 interrupted.
func exitCode(ctx context.Context, err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "policybot: interrupted")
		return 130
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintln(stderr, "policybot:", err)
		return 2
	case errors.Is(err, errBelowMin):
		fmt.Fprintln(stderr, "policybot:", err)
		return 1
	default:
		fmt.Fprintln(stderr, "policybot:", err)
		return 1
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return fmt.Errorf("%w: no command given", errUsage)
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			a := &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
			return a.secrets.Error(c.run(ctx, a, args[1:]))
		}
	}
	usage(stderr)
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "policybot answers questions about policy documents, with citations.\n\nUsage: policybot COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command takes --docs DIR, --data DIR and --config FILE; run 'policybot COMMAND -h' for its flags.")
}

// commonFlags are the flags every subcommand takes.
type commonFlags struct {
	config, docs, data, logLevel string
	quiet                        bool // default log level warn instead of info
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.config, "config", "", "JSON config file (env POLICYBOT_CONFIG)")
	fs.StringVar(&c.docs, "docs", "", "knowledge folder (default: the shipped seed documents; env POLICYBOT_DOCS)")
	fs.StringVar(&c.data, "data", "", "index directory (default: the user cache dir; env POLICYBOT_DATA)")
	fs.StringVar(&c.logLevel, "log-level", "", "debug, info, warn or error (env POLICYBOT_LOG_LEVEL)")
}

// newFlagSet makes a subcommand's flag set that reports errors to stderr.
func newFlagSet(a *app, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		fmt.Fprintf(a.stderr, "Usage: policybot %s [flags] %s\n\nFlags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags and builds the configuration: defaults, then the
// config file, then the environment, then flags. It sets up the logger.
func (a *app) parse(fs *flag.FlagSet, common *commonFlags, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	cfg := config.Default()
	if common.quiet {
		// Commands whose output is the answer log only warnings unless told.
		cfg.LogLevel = "warn"
	}
	path := common.config
	if path == "" {
		path = a.getenv("POLICYBOT_CONFIG")
	}
	if path != "" {
		if err := cfg.LoadFile(path); err != nil {
			return err
		}
	}
	if err := cfg.LoadEnv(a.getenv); err != nil {
		return fmt.Errorf("environment: %w", err)
	}
	if common.docs != "" {
		cfg.DocsDir = common.docs
	}
	if common.data != "" {
		cfg.DataDir = common.data
	}
	if common.logLevel != "" {
		cfg.LogLevel = common.logLevel
	}
	a.secrets = redact.New(cfg.Secrets()...)
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("configuration:\n  %s", strings.ReplaceAll(err.Error(), "\n", "\n  "))
	}
	a.cfg = cfg
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return fmt.Errorf("log level: %w", err)
	}
	// The one logger: whatever reaches it, a remote service's echo of a
	// key included, is written with the secrets masked.
	a.log = slog.New(redact.NewHandler(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level}), a.secrets))
	return nil
}

// Package config is policybot's one typed configuration: defaults, then a
// JSON config file, then environment variables, then command-line flags,
// each overriding the one before. Validate reports every problem at once.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Secret is a string that never shows in logs or error messages.
type Secret string

// String redacts the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// LogValue redacts the secret in slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Reveal returns the secret for the one place that needs it.
func (s Secret) Reveal() string { return string(s) }

// MarshalJSON keeps secrets out of dumped configuration.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// Duration is a time.Duration that reads "30s" in JSON.
type Duration struct{ time.Duration }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"30s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	if v < 0 {
		return fmt.Errorf("duration %q is negative", s)
	}
	d.Duration = v
	return nil
}

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// Config is everything policybot can be told.
type Config struct {
	// DocsDir is the knowledge folder; empty means the shipped seeds.
	DocsDir string `json:"docs_dir"`
	// DataDir holds the index; empty means the user's cache directory.
	DataDir  string   `json:"data_dir"`
	LogLevel string   `json:"log_level"`
	Telegram Telegram `json:"telegram"`
	LLM      LLM      `json:"llm"`
	// AnswerLog is the reviewers' log of questions and answers.
	AnswerLog AnswerLog `json:"answer_log"`
	// State is the bot's durable state: answers by message, threads, votes.
	State State `json:"state"`
	// Limits bound the reading of each knowledge file.
	Limits Limits `json:"limits"`
}

// Limits bound the work of reading one knowledge file (index, reload,
// upload): a file over one is skipped with the limit named. The defaults
// are knowledge's (a test in cmd/policybot keeps them equal).
type Limits struct {
	ParseTimeout Duration `json:"parse_timeout"`
	MaxFileMB    int      `json:"max_file_mb"`
	MaxDecodedMB int      `json:"max_decoded_mb"`
	MaxTextMB    int      `json:"max_text_mb"`
	MaxPages     int      `json:"max_pages"`
	MaxObjects   int      `json:"max_objects"`
	MaxTextItems int      `json:"max_text_items"`
	MaxDepth     int      `json:"max_depth"`
	MaxChunks    int      `json:"max_chunks"`
}

// Telegram configures the bot.
type Telegram struct {
	Token  Secret `json:"token"`
	APIURL string `json:"api_url"`
	// WebhookURL switches from long polling to a webhook served on Listen.
	WebhookURL    string   `json:"webhook_url"`
	Listen        string   `json:"listen"`
	WebhookSecret Secret   `json:"webhook_secret"`
	Admins        []int64  `json:"admins"`
	AllowedChats  []int64  `json:"allowed_chats"`
	GroupAdmins   bool     `json:"group_admins"`
	Workers       int      `json:"workers"`
	RatePerMinute int      `json:"rate_per_minute"`
	ShutdownGrace Duration `json:"shutdown_grace"`
	// MaxUploadMB bounds documents admins upload from Telegram.
	MaxUploadMB int `json:"max_upload_mb"`
	// Watch reloads when the knowledge folder changes.
	Watch bool `json:"watch"`
}

// LLM configures an OpenAI-compatible endpoint; an empty BaseURL and
// ChatModel keeps policybot offline.
type LLM struct {
	BaseURL        string `json:"base_url"`
	APIKey         Secret `json:"api_key"`
	ChatModel      string `json:"chat_model"`
	EmbeddingModel string `json:"embedding_model"`
	// EmbeddingDim is the embedding model's dimension; 0 asks the endpoint
	// with one probe call.
	EmbeddingDim int `json:"embedding_dim"`
	// Timeout is the deadline of each call to the endpoint.
	Timeout Duration `json:"timeout"`
	// AnswerBudget bounds the whole LLM part of one answer (query rewrite,
	// retries, streaming); when it is spent the extractive answer goes out.
	AnswerBudget     Duration `json:"answer_budget"`
	Temperature      float64  `json:"temperature"`
	MaxTokens        int      `json:"max_tokens"`
	EmbedBatch       int      `json:"embed_batch"`
	EmbedConcurrency int      `json:"embed_concurrency"`
}

// Enabled reports whether answers are written by the LLM.
func (l LLM) Enabled() bool { return l.BaseURL != "" && l.ChatModel != "" }

// AnswerLog configures the answer-quality log.
type AnswerLog struct {
	// Dir holds answers.jsonl and its rotations; empty means DataDir/logs.
	Dir      string `json:"dir"`
	MaxMB    int    `json:"max_mb"`
	MaxFiles int    `json:"max_files"`
	// HashUsers stores a keyed hash of asker ids instead of the ids.
	HashUsers bool   `json:"hash_users"`
	HashKey   Secret `json:"hash_key"`
}

// State configures the bot's state store.
type State struct {
	// Path is the SQLite file; empty means state.db beside the answer
	// log's default folder (the data directory, or the user cache dir's
	// policybot folder).
	Path string `json:"path"`
	// KeepDays is how long answers can be followed up and rated.
	KeepDays int `json:"keep_days"`
}

// Default returns the configuration used when nothing is set.
func Default() Config {
	return Config{
		LogLevel: "info",
		Telegram: Telegram{
			APIURL:        "https://api.telegram.org",
			Listen:        ":8080",
			Workers:       4,
			RatePerMinute: 6,
			ShutdownGrace: Duration{20 * time.Second},
			MaxUploadMB:   20,
		},
		LLM: LLM{
			Timeout:          Duration{60 * time.Second},
			AnswerBudget:     Duration{20 * time.Second},
			Temperature:      0.1,
			MaxTokens:        800,
			EmbedBatch:       64,
			EmbedConcurrency: 2,
		},
		AnswerLog: AnswerLog{MaxMB: 50, MaxFiles: 10},
		Limits: Limits{
			ParseTimeout: Duration{60 * time.Second},
			MaxFileMB:    64,
			MaxDecodedMB: 128,
			MaxTextMB:    16,
			MaxPages:     5000,
			MaxObjects:   1_000_000,
			MaxTextItems: 1_000_000,
			MaxDepth:     100,
			MaxChunks:    20_000,
		},
		State: State{KeepDays: 90},
	}
}

// LoadFile overlays a JSON config file on c. Unknown keys are an error, so
// a misspelt key does not pass silently, and so is anything after the
// object. Errors give the file's line and column. On error c is unchanged.
func (c *Config) LoadFile(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	next := *c
	if err := decodeStrict(raw, &next); err != nil {
		return fmt.Errorf("config file %s%w", path, err)
	}
	*c = next
	return nil
}

// Env lists the environment variables policybot reads, with what they set.
var Env = []struct{ Name, Key string }{
	{"POLICYBOT_DOCS", "docs_dir"},
	{"POLICYBOT_DATA", "data_dir"},
	{"POLICYBOT_LOG_LEVEL", "log_level"},
	{"TELEGRAM_BOT_TOKEN", "telegram.token"},
	{"TELEGRAM_API_URL", "telegram.api_url"},
	{"POLICYBOT_WEBHOOK_URL", "telegram.webhook_url"},
	{"POLICYBOT_LISTEN", "telegram.listen"},
	{"POLICYBOT_WEBHOOK_SECRET", "telegram.webhook_secret"},
	{"POLICYBOT_ADMINS", "telegram.admins (comma-separated user ids)"},
	{"POLICYBOT_ALLOWED_CHATS", "telegram.allowed_chats (comma-separated chat ids)"},
	{"POLICYBOT_LLM_BASE_URL", "llm.base_url"},
	{"POLICYBOT_LLM_API_KEY", "llm.api_key (OPENAI_API_KEY also works)"},
	{"POLICYBOT_LLM_MODEL", "llm.chat_model"},
	{"POLICYBOT_EMBED_MODEL", "llm.embedding_model"},
	{"POLICYBOT_LLM_TIMEOUT", "llm.timeout"},
	{"POLICYBOT_LLM_ANSWER_BUDGET", "llm.answer_budget"},
	{"POLICYBOT_ANSWER_LOG", "answer_log.dir"},
	{"POLICYBOT_STATE", "state.path"},
}

// LoadEnv overlays environment variables on c; getenv is os.Getenv outside
// tests.
func (c *Config) LoadEnv(getenv func(string) string) error {
	var errs []error
	set := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	setSecret := func(name string, dst *Secret) {
		if v := getenv(name); v != "" {
			*dst = Secret(v)
		}
	}
	set("POLICYBOT_DOCS", &c.DocsDir)
	set("POLICYBOT_DATA", &c.DataDir)
	set("POLICYBOT_LOG_LEVEL", &c.LogLevel)
	setSecret("TELEGRAM_BOT_TOKEN", &c.Telegram.Token)
	set("TELEGRAM_API_URL", &c.Telegram.APIURL)
	set("POLICYBOT_WEBHOOK_URL", &c.Telegram.WebhookURL)
	set("POLICYBOT_LISTEN", &c.Telegram.Listen)
	setSecret("POLICYBOT_WEBHOOK_SECRET", &c.Telegram.WebhookSecret)
	for _, l := range []struct {
		name string
		dst  *[]int64
	}{{"POLICYBOT_ADMINS", &c.Telegram.Admins}, {"POLICYBOT_ALLOWED_CHATS", &c.Telegram.AllowedChats}} {
		if v := getenv(l.name); v != "" {
			ids, err := parseIDs(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", l.name, err))
			}
			*l.dst = ids
		}
	}
	set("POLICYBOT_LLM_BASE_URL", &c.LLM.BaseURL)
	setSecret("OPENAI_API_KEY", &c.LLM.APIKey)
	setSecret("POLICYBOT_LLM_API_KEY", &c.LLM.APIKey)
	set("POLICYBOT_LLM_MODEL", &c.LLM.ChatModel)
	set("POLICYBOT_EMBED_MODEL", &c.LLM.EmbeddingModel)
	for _, d := range []struct {
		name string
		dst  *Duration
	}{{"POLICYBOT_LLM_TIMEOUT", &c.LLM.Timeout}, {"POLICYBOT_LLM_ANSWER_BUDGET", &c.LLM.AnswerBudget}} {
		if v := getenv(d.name); v != "" {
			v, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", d.name, err))
			}
			*d.dst = Duration{v}
		}
	}
	set("POLICYBOT_ANSWER_LOG", &c.AnswerLog.Dir)
	set("POLICYBOT_STATE", &c.State.Path)
	return errors.Join(errs...)
}

func parseIDs(s string) ([]int64, error) {
	var ids []int64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a numeric id", f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Validate checks the configuration and reports every problem found.
func (c Config) Validate() error {
	var errs []error
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log_level %q: want debug, info, warn or error", c.LogLevel))
	}
	if c.DocsDir != "" {
		if st, err := os.Stat(c.DocsDir); err != nil || !st.IsDir() {
			errs = append(errs, fmt.Errorf("docs_dir %q is not a readable folder", c.DocsDir))
		}
	}
	if c.Telegram.APIURL != "" {
		if err := checkURL(c.Telegram.APIURL); err != nil {
			errs = append(errs, fmt.Errorf("telegram.api_url: %w", err))
		}
	}
	if c.Telegram.WebhookURL != "" {
		if err := checkURL(c.Telegram.WebhookURL); err != nil {
			errs = append(errs, fmt.Errorf("telegram.webhook_url: %w", err))
		}
	}
	if c.Telegram.Workers < 1 || c.Telegram.Workers > 256 {
		errs = append(errs, fmt.Errorf("telegram.workers %d: want 1..256", c.Telegram.Workers))
	}
	if c.Telegram.RatePerMinute < 0 {
		errs = append(errs, fmt.Errorf("telegram.rate_per_minute %d: want ≥ 0 (0 disables)", c.Telegram.RatePerMinute))
	}
	if c.Telegram.MaxUploadMB < 1 {
		errs = append(errs, fmt.Errorf("telegram.max_upload_mb %d: want ≥ 1", c.Telegram.MaxUploadMB))
	}
	if c.LLM.BaseURL != "" {
		if err := checkURL(c.LLM.BaseURL); err != nil {
			errs = append(errs, fmt.Errorf("llm.base_url: %w", err))
		}
		if c.LLM.ChatModel == "" && c.LLM.EmbeddingModel == "" {
			errs = append(errs, errors.New("llm.base_url is set but neither llm.chat_model nor llm.embedding_model is"))
		}
	} else if c.LLM.ChatModel != "" || c.LLM.EmbeddingModel != "" {
		errs = append(errs, errors.New("llm.chat_model or llm.embedding_model is set without llm.base_url"))
	}
	errs = append(errs, negativeDurations(reflect.ValueOf(c), "")...)
	for _, d := range []struct {
		key string
		d   Duration
	}{{"telegram.shutdown_grace", c.Telegram.ShutdownGrace}, {"llm.timeout", c.LLM.Timeout}, {"llm.answer_budget", c.LLM.AnswerBudget}} {
		if d.d.Duration == 0 {
			errs = append(errs, fmt.Errorf("%s %s: want > 0", d.key, d.d))
		}
	}
	if c.LLM.Temperature < 0 || c.LLM.Temperature > 2 {
		errs = append(errs, fmt.Errorf("llm.temperature %g: want 0..2", c.LLM.Temperature))
	}
	if c.LLM.MaxTokens < 1 {
		errs = append(errs, fmt.Errorf("llm.max_tokens %d: want ≥ 1", c.LLM.MaxTokens))
	}
	if c.LLM.EmbeddingDim < 0 {
		errs = append(errs, fmt.Errorf("llm.embedding_dim %d: want ≥ 0 (0 probes the endpoint)", c.LLM.EmbeddingDim))
	}
	if c.LLM.EmbedBatch < 1 || c.LLM.EmbedConcurrency < 1 {
		errs = append(errs, errors.New("llm.embed_batch and llm.embed_concurrency must be ≥ 1"))
	}
	if c.AnswerLog.MaxMB < 1 || c.AnswerLog.MaxFiles < 1 {
		errs = append(errs, errors.New("answer_log.max_mb and answer_log.max_files must be ≥ 1"))
	}
	if c.AnswerLog.HashUsers && c.AnswerLog.HashKey == "" {
		errs = append(errs, errors.New("answer_log.hash_users needs answer_log.hash_key"))
	}
	l := c.Limits
	if l.ParseTimeout.Duration <= 0 {
		errs = append(errs, fmt.Errorf("limits.parse_timeout %s: want > 0", l.ParseTimeout))
	}
	for _, v := range []struct {
		key string
		n   int
	}{{"max_file_mb", l.MaxFileMB}, {"max_decoded_mb", l.MaxDecodedMB}, {"max_text_mb", l.MaxTextMB}, {"max_pages", l.MaxPages},
		{"max_objects", l.MaxObjects}, {"max_text_items", l.MaxTextItems}, {"max_depth", l.MaxDepth}, {"max_chunks", l.MaxChunks}} {
		if v.n < 1 {
			errs = append(errs, fmt.Errorf("limits.%s %d: want ≥ 1", v.key, v.n))
		}
	}
	if l.MaxFileMB > 4096 || l.MaxDecodedMB > 4096 || l.MaxTextMB > 4096 {
		errs = append(errs, errors.New("limits.max_file_mb, max_decoded_mb and max_text_mb must be ≤ 4096"))
	}
	if c.State.KeepDays < 1 {
		errs = append(errs, fmt.Errorf("state.keep_days %d: want ≥ 1", c.State.KeepDays))
	}
	if strings.ContainsRune(c.State.Path, '?') {
		errs = append(errs, fmt.Errorf("state.path %q: must not contain '?'", c.State.Path))
	}
	return errors.Join(errs...)
}

// negativeDurations lists every Duration in v (a struct, walked through
// nested structs by their JSON keys) that is below zero.
func negativeDurations(v reflect.Value, prefix string) []error {
	var errs []error
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if key == "" || key == "-" || !f.IsExported() {
			continue
		}
		switch x := v.Field(i).Interface().(type) {
		case Duration:
			if x.Duration < 0 {
				errs = append(errs, fmt.Errorf("%s%s %s: a duration cannot be negative", prefix, key, x))
			}
		default:
			if f.Type.Kind() == reflect.Struct {
				errs = append(errs, negativeDurations(v.Field(i), prefix+key+".")...)
			}
		}
	}
	return errs
}

// Secrets lists the secret values set, for scrubbing logs and errors: the
// Telegram token and its part after the colon (the part that is secret),
// the webhook secret, the LLM API key and the answer-log hash key.
func (c Config) Secrets() []string {
	var out []string
	for _, s := range []Secret{c.Telegram.Token, c.Telegram.WebhookSecret, c.LLM.APIKey, c.AnswerLog.HashKey} {
		if v := strings.TrimSpace(s.Reveal()); v != "" {
			out = append(out, v)
		}
	}
	if _, after, ok := strings.Cut(c.Telegram.Token.Reveal(), ":"); ok && strings.TrimSpace(after) != "" {
		out = append(out, strings.TrimSpace(after))
	}
	return out
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	return nil
}

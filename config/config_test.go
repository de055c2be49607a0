package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   string // "" means valid
	}{
		{"defaults", func(*Config) {}, ""},
		{"llm configured", func(c *Config) { c.LLM.BaseURL, c.LLM.ChatModel = "http://localhost:11434/v1", "qwen2.5" }, ""},
		{"bad log level", func(c *Config) { c.LogLevel = "loud" }, "log_level"},
		{"missing docs", func(c *Config) { c.DocsDir = "/nonexistent/policybot" }, "docs_dir"},
		{"api url not http", func(c *Config) { c.Telegram.APIURL = "ftp://x" }, "telegram.api_url"},
		{"zero workers", func(c *Config) { c.Telegram.Workers = 0 }, "telegram.workers"},
		{"model without endpoint", func(c *Config) { c.LLM.ChatModel = "gpt" }, "without llm.base_url"},
		{"endpoint without model", func(c *Config) { c.LLM.BaseURL = "https://api.openai.com/v1" }, "neither"},
		{"negative timeout", func(c *Config) { c.LLM.Timeout = Duration{-time.Second} }, "llm.timeout"},
		{"hash without key", func(c *Config) { c.AnswerLog.HashUsers = true }, "hash_key"},
		{"no parse timeout", func(c *Config) { c.Limits.ParseTimeout = Duration{} }, "limits.parse_timeout"},
		{"zero pages", func(c *Config) { c.Limits.MaxPages = 0 }, "limits.max_pages"},
		{"a terabyte of text", func(c *Config) { c.Limits.MaxTextMB = 1 << 20 }, "max_text_mb"},
		{"state kept no days", func(c *Config) { c.State.KeepDays = 0 }, "state.keep_days"},
		{"state path with a query", func(c *Config) { c.State.Path = "/var/lib/policybot/state.db?mode=ro" }, "state.path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.change(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Default()
	c.LogLevel, c.Telegram.Workers, c.LLM.MaxTokens = "x", 0, 0
	err := c.Validate()
	for _, want := range []string{"log_level", "telegram.workers", "llm.max_tokens"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to mention %s", err, want)
		}
	}
}

func TestLoadEnv(t *testing.T) {
	env := map[string]string{
		"TELEGRAM_BOT_TOKEN":      "123:secret",
		"POLICYBOT_ADMINS":        "1, 2,3",
		"POLICYBOT_ALLOWED_CHATS": "-100123",
		"OPENAI_API_KEY":          "sk-fallback",
		"POLICYBOT_LLM_API_KEY":   "sk-wins",
		"POLICYBOT_LLM_TIMEOUT":   "15s",
		"POLICYBOT_STATE":         "/var/lib/policybot/state.db",
	}
	c := Default()
	if err := c.LoadEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.Telegram.Token.Reveal() != "123:secret" || fmt.Sprint(c.Telegram.Admins) != "[1 2 3]" ||
		fmt.Sprint(c.Telegram.AllowedChats) != "[-100123]" || c.LLM.APIKey.Reveal() != "sk-wins" || c.LLM.Timeout.Duration != 15*time.Second || c.State.Path != "/var/lib/policybot/state.db" {
		t.Errorf("LoadEnv = %+v", c)
	}
	bad := Default()
	if err := bad.LoadEnv(func(k string) string { return map[string]string{"POLICYBOT_LLM_TIMEOUT": "soon"}[k] }); err == nil {
		t.Error("LoadEnv accepted POLICYBOT_LLM_TIMEOUT=soon")
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	c := Default()
	c.Telegram.Token, c.LLM.APIKey = "123:topsecret", "sk-topsecret"
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "token", c.Telegram.Token, "cfg", c)
	dump, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{logs.String(), string(dump), fmt.Sprintf("%v %+v", c, c), fmt.Sprint(c.LLM.APIKey)} {
		if strings.Contains(out, "topsecret") {
			t.Errorf("secret leaked: %s", out)
		}
	}
}

func TestLoadFileErrors(t *testing.T) {
	tests := []struct {
		name, file string
		want       string // the error after the file name
	}{
		{"trailing comma", "{\n  \"docs_dir\": \"/srv/docs\",\n}\n", `:3:1: syntax error: invalid character '}' looking for beginning of object key string`},
		{"missing comma", "{\n  \"log_level\": \"info\"\n  \"data_dir\": \"/x\"\n}", `:3:3: syntax error: invalid character '"' after object key:value pair`},
		{"column counts characters", "{\"docs_dir\": \"知识库\" x}", `:1:20: syntax error: invalid character 'x' after object key:value pair`},
		{"unclosed object", "{\n  \"telegram\": {\"workers\": 2}\n", `:3:1: unexpected end of file`},
		{"empty file", " \n", `: the file is empty`},
		{"trailing object", "{\"log_level\": \"debug\"}\n{\"log_level\": \"warn\"}\n", `:2:1: unexpected '{' after the configuration object`},
		{"trailing garbage", "{\"log_level\": \"debug\"} x", `:1:24: unexpected 'x' after the configuration object`},
		{"trailing brace", "{\"log_level\": \"debug\"}}", `:1:23: unexpected '}' after the configuration object`},
		{"unknown key", "{\n  \"telegram\": {\n    \"tokn\": \"x\"\n  }\n}", `:3:5: unknown key "telegram.tokn"`},
		{"unknown top-level key", "{\"docs_dir\": \"/x\", \"dosc\": 1}", `:1:20: unknown key "dosc"`},
		{"wrong type", "{\n  \"telegram\": {\n    \"workers\": \"four\"\n  }\n}", `:3:16: telegram.workers: got a JSON string, want an integer`},
		{"wrong type in a list", "{\"telegram\": {\"admins\": [1, \"x\"]}}", `:1:25: telegram.admins: got a JSON string, want an integer`},
		{"not an object", "[1, 2]", `:1:1: the configuration: got a JSON array, want an object`},
		{"bad duration", "{\"llm\": {\n  \"timeout\": \"soon\"}}", `:2:14: llm.timeout: time: invalid duration "soon"`},
		{"duration as a number", "{\"llm\": {\"timeout\": 30}}", `:1:21: llm.timeout: duration must be a string such as "30s"`},
		{"negative shutdown grace", "{\"telegram\": {\"shutdown_grace\": \"-5s\"}}", `:1:33: telegram.shutdown_grace: duration "-5s" is negative`},
		{"negative answer budget", "{\"llm\": {\"answer_budget\": \"-1s\"}}", `:1:27: llm.answer_budget: duration "-1s" is negative`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "policybot.json")
			if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			c := Default()
			before := fmt.Sprintf("%+v", c)
			err := c.LoadFile(path)
			if err == nil {
				t.Fatalf("LoadFile(%q) = nil, want an error", tt.file)
			}
			if want := "config file " + path + tt.want; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("LoadFile(%q) = %q, want it to start %q", tt.file, err, want)
			}
			if after := fmt.Sprintf("%+v", c); after != before {
				t.Errorf("a failed LoadFile changed the configuration:\n%s\nwant\n%s", after, before)
			}
		})
	}
}

func TestLoadFileAccepts(t *testing.T) {
	file := "\uFEFF{\n  \"docs_dir\": \"/srv/docs\",\n  \"Log_Level\": \"debug\",\n" +
		"  \"telegram\": {\"admins\": [1, 2], \"shutdown_grace\": \"5s\"},\n" +
		"  \"llm\": {\"base_url\": \"http://localhost:11434/v1\", \"chat_model\": \"qwen2.5\", \"answer_budget\": \"12s\"}\n}\n\n"
	path := filepath.Join(t.TempDir(), "policybot.json")
	if err := os.WriteFile(path, []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	c := Default()
	if err := c.LoadFile(path); err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	if c.DocsDir != "/srv/docs" || c.LogLevel != "debug" || fmt.Sprint(c.Telegram.Admins) != "[1 2]" ||
		c.Telegram.ShutdownGrace.Duration != 5*time.Second || c.LLM.AnswerBudget.Duration != 12*time.Second || c.LLM.Timeout.Duration != time.Minute {
		t.Errorf("LoadFile = %+v", c)
	}
}

func TestValidateDurations(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"negative shutdown grace", func(c *Config) { c.Telegram.ShutdownGrace = Duration{-time.Second} }, "telegram.shutdown_grace -1s: a duration cannot be negative"},
		{"zero shutdown grace", func(c *Config) { c.Telegram.ShutdownGrace = Duration{} }, "telegram.shutdown_grace 0s: want > 0"},
		{"negative timeout", func(c *Config) { c.LLM.Timeout = Duration{-time.Second} }, "llm.timeout -1s: a duration cannot be negative"},
		{"zero timeout", func(c *Config) { c.LLM.Timeout = Duration{} }, "llm.timeout 0s: want > 0"},
		{"negative answer budget", func(c *Config) { c.LLM.AnswerBudget = Duration{-time.Second} }, "llm.answer_budget -1s: a duration cannot be negative"},
		{"zero answer budget", func(c *Config) { c.LLM.AnswerBudget = Duration{} }, "llm.answer_budget 0s: want > 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.change(&c)
			if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want an error saying %q", err, tt.want)
			}
		})
	}
	if d := Default().LLM.AnswerBudget.Duration; d != 20*time.Second {
		t.Errorf("default llm.answer_budget = %s, want 20s", d)
	}
}

func TestAnswerBudgetFromEnv(t *testing.T) {
	c := Default()
	if err := c.LoadEnv(func(k string) string { return map[string]string{"POLICYBOT_LLM_ANSWER_BUDGET": "7s"}[k] }); err != nil {
		t.Fatal(err)
	}
	if c.LLM.AnswerBudget.Duration != 7*time.Second {
		t.Errorf("answer budget = %s, want 7s from POLICYBOT_LLM_ANSWER_BUDGET", c.LLM.AnswerBudget)
	}
}

func TestSecretsList(t *testing.T) {
	c := Default()
	c.Telegram.Token, c.Telegram.WebhookSecret = "123456:AAH-secret-half", "hook-secret"
	c.LLM.APIKey, c.AnswerLog.HashKey = "sk-key", "hash-key"
	got := c.Secrets()
	want := []string{"123456:AAH-secret-half", "hook-secret", "sk-key", "hash-key", "AAH-secret-half"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Secrets() = %q, want %q", got, want)
	}
	if got := Default().Secrets(); len(got) != 0 {
		t.Errorf("Secrets() of the defaults = %q, want none", got)
	}
}

func TestLoadFileLimits(t *testing.T) {
	p := filepath.Join(t.TempDir(), "policybot.json")
	if err := os.WriteFile(p, []byte(`{"limits": {"max_pages": 10, "parse_timeout": "5s"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	c := Default()
	if err := c.LoadFile(p); err != nil {
		t.Fatal(err)
	}
	want := Default().Limits
	want.MaxPages, want.ParseTimeout = 10, Duration{5 * time.Second}
	if c.Limits != want {
		t.Errorf("LoadFile(limits) = %+v, want %+v (the other limits at their defaults)", c.Limits, want)
	}
	if err := os.WriteFile(p, []byte(`{"limits": {"max_pagez": 10}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if c := Default(); c.LoadFile(p) == nil {
		t.Error("LoadFile accepted limits.max_pagez")
	}
}

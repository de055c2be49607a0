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
	}
	c := Default()
	if err := c.LoadEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.Telegram.Token.Reveal() != "123:secret" || fmt.Sprint(c.Telegram.Admins) != "[1 2 3]" ||
		fmt.Sprint(c.Telegram.AllowedChats) != "[-100123]" || c.LLM.APIKey.Reveal() != "sk-wins" || c.LLM.Timeout.Duration != 15*time.Second {
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

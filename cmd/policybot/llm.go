package main

import (
	"fmt"

	"github.com/policybot/policybot/config"
	"github.com/policybot/policybot/retrieval"
	"github.com/policybot/policybot/retrieval/answer"
	"github.com/policybot/policybot/retrieval/llm"
)

// llmParts builds the LLM answer generator and the remote embedder the
// configuration asks for; nil for each means offline. offline forces both
// off.
func llmParts(a *app, offline bool) (answer.Chat, retrieval.Embedder, error) {
	l := a.cfg.LLM
	if offline || l.BaseURL == "" {
		return nil, nil, nil
	}
	opts := openAIOptions(a, l)
	var gen answer.Chat
	var emb retrieval.Embedder
	if l.ChatModel != "" {
		g, err := llm.NewChat(opts)
		if err != nil {
			return nil, nil, fmt.Errorf("llm: %w", err)
		}
		gen = g
	}
	if l.EmbeddingModel != "" {
		e, err := llm.NewEmbedder(opts)
		if err != nil {
			return nil, nil, fmt.Errorf("llm: %w", err)
		}
		emb = e
	}
	if a.log != nil {
		a.log.Debug("LLM endpoint configured", "base_url", l.BaseURL, "chat_model", l.ChatModel,
			"embedding_model", l.EmbeddingModel, "api_key", l.APIKey, "timeout", l.Timeout.Duration)
	}
	return gen, emb, nil
}

// openAIOptions maps the configuration to the LLM client's options.
// The API key leaves its Secret here, for the one client that sends it.
func openAIOptions(a *app, l config.LLM) llm.Options {
	return llm.Options{
		BaseURL:          l.BaseURL,
		APIKey:           l.APIKey.Reveal(),
		ChatModel:        l.ChatModel,
		EmbeddingModel:   l.EmbeddingModel,
		EmbedDim:         l.EmbeddingDim,
		Timeout:          l.Timeout.Duration,
		Temperature:      l.Temperature,
		MaxTokens:        l.MaxTokens,
		EmbedBatch:       l.EmbedBatch,
		EmbedConcurrency: l.EmbedConcurrency,
		Logger:           a.log,
	}
}

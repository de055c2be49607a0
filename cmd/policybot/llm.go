package main

import (
	"fmt"

	"github.com/policybot/policybot/config"
	"github.com/policybot/policybot/retrieval"
)

// llmParts builds the LLM answer generator and the remote embedder the
// configuration asks for; nil for each means offline. offline forces both
// off.
func llmParts(a *app, offline bool) (retrieval.Generator, retrieval.Embedder, error) {
	l := a.cfg.LLM
	if offline || l.BaseURL == "" {
		return nil, nil, nil
	}
	opts := openAIOptions(a, l)
	var gen retrieval.Generator
	var emb retrieval.Embedder
	if l.ChatModel != "" {
		g, err := retrieval.NewOpenAIGenerator(opts)
		if err != nil {
			return nil, nil, fmt.Errorf("llm: %w", err)
		}
		gen = g
	}
	if l.EmbeddingModel != "" {
		e, err := retrieval.NewOpenAIEmbedder(opts)
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

// openAIOptions maps the configuration to the retrieval package's options.
// The API key leaves its Secret here, for the one client that sends it.
func openAIOptions(a *app, l config.LLM) retrieval.OpenAIOptions {
	return retrieval.OpenAIOptions{
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

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
// off. data is the index directory ("" for none): when the index stored
// there was built with the same embedding model, its recorded dimension is
// used instead of asking the endpoint, so that an embeddings outage at
// start neither fails the start nor throws the stored index away.
func llmParts(a *app, offline bool, data string) (answer.Chat, retrieval.Embedder, error) {
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
		if name, dim, ok := retrieval.StoredEmbedder(data); ok && opts.EmbedDim == 0 && name == e.Name() && dim > 0 {
			opts.EmbedDim = dim
			if e, err = llm.NewEmbedder(opts); err != nil {
				return nil, nil, fmt.Errorf("llm: %w", err)
			}
			if a.log != nil {
				a.log.Debug("embedding dimension taken from the stored index", "embedder", name, "dim", dim)
			}
		}
		emb = e
	}
	if a.log != nil {
		a.log.Debug("LLM endpoint configured", "base_url", l.BaseURL, "chat_model", l.ChatModel,
			"embedding_model", l.EmbeddingModel, "api_key", l.APIKey, "timeout", l.Timeout.Duration,
			"answer_budget", l.AnswerBudget.Duration)
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

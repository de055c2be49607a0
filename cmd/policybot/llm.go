package main

import "github.com/policybot/policybot/retrieval"

// llmParts builds the LLM answer generator and the remote embedder the
// configuration asks for; nil for each means offline. offline forces both
// off.
func llmParts(a *app, offline bool) (retrieval.Generator, retrieval.Embedder, error) {
	return nil, nil, nil
}

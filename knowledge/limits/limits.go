// Package limits bounds the work of reading one knowledge file: time,
// bytes, pages, objects, text items, nesting and chunks. Every loader in
// package knowledge and knowledge/pdf runs under a Limits, and reports the
// one a file goes over as an *Error naming its configuration key, so that
// a hostile or broken file is skipped with a reason instead of crashing,
// hanging or exhausting the process.
package limits

import (
	"errors"
	"fmt"
	"time"
)

// Limits bound the reading of one file. A zero field takes its default
// (Default), so Limits{} is usable.
type Limits struct {
	// Timeout bounds the time to parse one file.
	Timeout time.Duration
	// MaxFileBytes bounds the size of one file.
	MaxFileBytes int64
	// MaxDecodedBytes bounds what one file decompresses to (PDF streams,
	// DOCX parts) and, for PDFs, the bytes parsed as objects, counted each
	// time they are read.
	MaxDecodedBytes int64
	// MaxTextBytes bounds the text of one document after extraction.
	MaxTextBytes int64
	// MaxPages bounds the pages of a PDF.
	MaxPages int
	// MaxObjects bounds the objects a PDF declares, and the entries its
	// fonts map (codes to text, widths), in total.
	MaxObjects int
	// MaxTextItems bounds the strings a PDF shows, in total.
	MaxTextItems int
	// MaxDepth bounds nesting: PDF arrays and dictionaries, XML elements
	// of a DOCX.
	MaxDepth int
	// MaxChunks bounds the chunks of one document.
	MaxChunks int
}

// The defaults, as README documents them for the limits configuration.
const (
	DefaultTimeout         = 60 * time.Second
	DefaultMaxFileBytes    = 64 << 20
	DefaultMaxDecodedBytes = 128 << 20
	DefaultMaxTextBytes    = 16 << 20
	DefaultMaxPages        = 5000
	DefaultMaxObjects      = 1_000_000
	DefaultMaxTextItems    = 1_000_000
	DefaultMaxDepth        = 100
	DefaultMaxChunks       = 20_000
)

// Default returns the default limits.
func Default() Limits { return Limits{}.WithDefaults() }

// WithDefaults returns l with every zero (or negative) field set to its
// default.
func (l Limits) WithDefaults() Limits {
	set := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	set64 := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	if l.Timeout <= 0 {
		l.Timeout = DefaultTimeout
	}
	set64(&l.MaxFileBytes, DefaultMaxFileBytes)
	set64(&l.MaxDecodedBytes, DefaultMaxDecodedBytes)
	set64(&l.MaxTextBytes, DefaultMaxTextBytes)
	set(&l.MaxPages, DefaultMaxPages)
	set(&l.MaxObjects, DefaultMaxObjects)
	set(&l.MaxTextItems, DefaultMaxTextItems)
	set(&l.MaxDepth, DefaultMaxDepth)
	set(&l.MaxChunks, DefaultMaxChunks)
	return l
}

// ErrLimit is matched (errors.Is) by every *Error.
var ErrLimit = errors.New("over a limit")

// Key names a limit by its configuration key (limits.<key>).
type Key string

// The limits, by configuration key.
const (
	Timeout      Key = "parse_timeout"
	FileBytes    Key = "max_file_mb"
	DecodedBytes Key = "max_decoded_mb"
	TextBytes    Key = "max_text_mb"
	Pages        Key = "max_pages"
	Objects      Key = "max_objects"
	TextItems    Key = "max_text_items"
	Depth        Key = "max_depth"
	Chunks       Key = "max_chunks"
)

// Error is a file over one of its limits.
type Error struct {
	Key Key
	// Max is the limit, in the unit of its key (MB for the *_mb keys).
	Max int64
	// Timeout is the limit of Key Timeout.
	Timeout time.Duration
}

// Over returns the *Error of going over the limit key of l.
func (l Limits) Over(key Key) *Error {
	l = l.WithDefaults()
	e := &Error{Key: key}
	switch key {
	case Timeout:
		e.Timeout = l.Timeout
	case FileBytes:
		e.Max = l.MaxFileBytes >> 20
	case DecodedBytes:
		e.Max = l.MaxDecodedBytes >> 20
	case TextBytes:
		e.Max = l.MaxTextBytes >> 20
	case Pages:
		e.Max = int64(l.MaxPages)
	case Objects:
		e.Max = int64(l.MaxObjects)
	case TextItems:
		e.Max = int64(l.MaxTextItems)
	case Depth:
		e.Max = int64(l.MaxDepth)
	case Chunks:
		e.Max = int64(l.MaxChunks)
	}
	return e
}

func (e *Error) Error() string {
	var what string
	switch e.Key {
	case Timeout:
		what = "took longer than " + e.Timeout.String()
	case FileBytes:
		what = fmt.Sprintf("file larger than %d MB", e.Max)
	case DecodedBytes:
		what = fmt.Sprintf("decompresses to more than %d MB", e.Max)
	case TextBytes:
		what = fmt.Sprintf("more than %d MB of text", e.Max)
	case Pages:
		what = fmt.Sprintf("more than %d pages", e.Max)
	case Objects:
		what = fmt.Sprintf("more than %d objects", e.Max)
	case TextItems:
		what = fmt.Sprintf("more than %d text items", e.Max)
	case Depth:
		what = fmt.Sprintf("nested deeper than %d", e.Max)
	case Chunks:
		what = fmt.Sprintf("more than %d chunks", e.Max)
	default:
		what = fmt.Sprintf("%s %d", e.Key, e.Max)
	}
	return fmt.Sprintf("over a limit: %s (limits.%s)", what, e.Key)
}

// Is makes errors.Is(err, ErrLimit) true.
func (e *Error) Is(target error) bool { return target == ErrLimit }

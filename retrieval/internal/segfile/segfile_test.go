package segfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// sample writes two sections: "a" of 10,000 bytes and "b" of 3 bytes.
func sample(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Begin("a"); err != nil {
		t.Fatal(err)
	}
	for i := range 10_000 {
		w.Write([]byte{byte(i)})
	}
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	if err := w.Section("b", []byte("xyz")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(7); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	raw := sample(t)
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Version() != 7 {
		t.Errorf("Version() = %d, want 7", f.Version())
	}
	a, _ := f.Section("a")
	got, err := f.Bytes(a, 9_000, 5)
	if err != nil || !bytes.Equal(got, []byte{byte(9000 % 256), byte(9001 % 256), byte(9002 % 256), byte(9003 % 256), byte(9004 % 256)}) {
		t.Errorf("Bytes(a, 9000, 5) = %v, %v", got, err)
	}
	b, _ := f.Section("b")
	if b.Off%8 != 0 {
		t.Errorf("section b at %d, want 8-byte alignment", b.Off)
	}
	if got, err := f.Bytes(b, 0, 3); err != nil || string(got) != "xyz" {
		t.Errorf("Bytes(b) = %q, %v", got, err)
	}
	if err := f.VerifyAll(); err != nil {
		t.Errorf("VerifyAll: %v", err)
	}
	for _, r := range [][2]int64{{-1, 1}, {0, 4}, {3, 1}, {1 << 62, 1 << 62}} {
		if _, err := f.Bytes(b, r[0], r[1]); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Bytes(b, %d, %d) error = %v, want ErrCorrupt", r[0], r[1], err)
		}
	}
}

func TestDamageIsDetected(t *testing.T) {
	raw := sample(t)
	tests := []struct {
		name string
		edit func([]byte) []byte
		// lazy: Open succeeds and the damage shows when block 1 is read.
		lazy bool
	}{
		{"truncated", func(b []byte) []byte { return b[:len(b)-1] }, false},
		{"cut in half", func(b []byte) []byte { return b[:len(b)/2] }, false},
		{"padded", func(b []byte) []byte { return append(b, 0) }, false},
		{"empty", func(b []byte) []byte { return nil }, false},
		{"trailer bit", func(b []byte) []byte { b[len(b)-10] ^= 1; return b }, false},
		{"directory bit", func(b []byte) []byte { b[len(b)-TrailerSize-3] ^= 1; return b }, false},
		{"data bit", func(b []byte) []byte { b[5000] ^= 1; return b }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.edit(append([]byte(nil), raw...))
			f, err := FromBytes(b)
			if !tt.lazy {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("FromBytes error = %v, want ErrCorrupt", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromBytes: %v", err)
			}
			a, _ := f.Section("a")
			if _, err := f.Bytes(a, 0, 10); err != nil {
				t.Errorf("an intact block: %v", err)
			}
			if _, err := f.Bytes(a, 4990, 20); !errors.Is(err, ErrCorrupt) {
				t.Errorf("the damaged block: error = %v, want ErrCorrupt", err)
			}
			if err := f.VerifyAll(); !errors.Is(err, ErrCorrupt) {
				t.Errorf("VerifyAll error = %v, want ErrCorrupt", err)
			}
		})
	}
}

// FuzzParse feeds mutated files to the parser, with and without checksums
// (with them, nearly every mutation stops at the trailer's CRC; without,
// mutations reach the structure checks). Run it with a short
// -fuzzminimizetime: minimising a new 10 KB input takes the default 60 s.
func FuzzParse(f *testing.F) {
	f.Add(sample(f))
	f.Fuzz(func(t *testing.T, b []byte) {
		for i, open := range []func([]byte) (*File, error){FromBytesUnverified, FromBytes} {
			file, err := open(b)
			if err != nil {
				continue
			}
			for _, s := range file.secs {
				if got, err := file.Bytes(s, 0, s.Len); i == 0 && (err != nil || int64(len(got)) != s.Len) {
					t.Fatalf("Bytes of a listed section: %d bytes, %v", len(got), err)
				}
				file.Bytes(s, s.Len/2, s.Len-s.Len/2+1)
			}
			file.VerifyAll()
		}
	})
}

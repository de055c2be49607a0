package knowledge

import (
	"context"
	"math/rand"
	"os"
	"testing"
	"time"
)

func TestTmpHang(t *testing.T) {
	seeds := [][]byte{testTwoPagePDF(), testGB1PDF("国家标准")}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 200000; i++ {
		b := append([]byte(nil), seeds[rng.Intn(len(seeds))]...)
		for k := rng.Intn(4) + 1; k > 0; k-- {
			switch rng.Intn(3) {
			case 0:
				b[rng.Intn(len(b))] = byte(rng.Intn(256))
			case 1:
				p := rng.Intn(len(b))
				b = append(b[:p], b[min(len(b), p+rng.Intn(8)+1):]...)
			case 2:
				p := rng.Intn(len(b))
				b = append(b[:p], append([]byte("0 R 1 0 obj << /Prev 1 >>"[rng.Intn(10):]), b[p:]...)...)
			}
		}
		done := make(chan struct{})
		go func() {
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				os.WriteFile("/tmp/hang.pdf", b, 0o644)
				panic("hang")
			}
		}()
		extractPDFWith(context.Background(), b, "")
		close(done)
	}
}

package retrieval

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestWatchReloadsAfterChangeSettles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.txt", "杭州软件企业共有936家。")
	e, err := New(Options{Language: testLang(), Docs: os.DirFS(dir)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reloads := make(chan BuildStats, 4)
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.Watch(ctx, 5*time.Millisecond, func(st BuildStats, err error) {
			if err != nil {
				t.Errorf("watch reload: %v", err)
			}
			reloads <- st
		})
	}()
	write("b.txt", "宁波港口集装箱吞吐量达到3530万标准箱。")
	select {
	case st := <-reloads:
		if len(st.Added) != 1 || st.Added[0] != "b.txt" {
			t.Errorf("watch reload = %s, want b.txt added", st)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no reload after a new file appeared")
	}
	cancel()
	<-done
	if n := len(e.Current().Docs()); n != 2 {
		t.Errorf("after watch reload %d documents, want 2", n)
	}
}

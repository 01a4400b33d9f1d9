package imapsync

import (
	"context"
	"runtime"
	"sync"

	"thucongvu/internal/store"
)

// indexBatch is how many bodies one indexing batch decodes: few enough
// that its short write transaction keeps a window or a sync waiting
// little, enough that the index is not split into many small segments.
const indexBatch = 400

// IndexBodies indexes the headers and then the text of every stored
// message still waiting for it (Store.IndexBodies), with decode, batch after batch until
// none is left or ctx ends. It returns how many bodies it indexed.
func IndexBodies(ctx context.Context, st *store.Store, decode func([]byte) (string, error)) (int, error) {
	done := 0
	for ctx.Err() == nil {
		n, err := st.IndexBodies(ctx, decode, indexBatch)
		done += n
		if err != nil || n == 0 {
			return done, err
		}
		runtime.Gosched() // let the window and the sync have the core between batches
	}
	return done, ctx.Err()
}

// BodyIndexer indexes headers and bodies' text in the background, on one
// goroutine, woken after each header and body pass; its work is kept in the store, so what a
// stop leaves is done on the next wake.
type BodyIndexer struct {
	store  *store.Store
	decode func([]byte) (string, error)
	wake   chan struct{}
	ctx    context.Context
	stop   context.CancelFunc
	mu     sync.Mutex
	state  int // indexerIdle, indexerRunning, indexerClosed
	done   chan struct{}
	// run serialises passes: the background one and Drain.
	run sync.Mutex
	// Indexed, if set, hears how many messages each background pass
	// indexed, and its error.
	Indexed func(n int, err error)
}

// NewBodyIndexer makes an indexer of st's bodies; it starts on the first Wake.
func NewBodyIndexer(st *store.Store, decode func([]byte) (string, error)) *BodyIndexer {
	ctx, stop := context.WithCancel(context.Background())
	return &BodyIndexer{store: st, decode: decode, wake: make(chan struct{}, 1), ctx: ctx, stop: stop, done: make(chan struct{})}
}

const (
	indexerIdle = iota
	indexerRunning
	indexerClosed
)

// Wake asks for a pass; it never blocks. After Close it does nothing.
func (x *BodyIndexer) Wake() {
	x.mu.Lock()
	if x.state == indexerIdle {
		x.state = indexerRunning
		go x.loop()
	}
	x.mu.Unlock()
	select {
	case x.wake <- struct{}{}:
	default:
	}
}

func (x *BodyIndexer) loop() {
	defer close(x.done)
	for {
		select {
		case <-x.ctx.Done():
			return
		case <-x.wake:
		}
		n, err := x.Drain(x.ctx)
		if x.Indexed != nil && x.ctx.Err() == nil {
			x.Indexed(n, err)
		}
	}
}

// Drain indexes everything waiting now, as the background pass would, and
// returns how many messages it indexed (the CLI runs it after a sync).
func (x *BodyIndexer) Drain(ctx context.Context) (int, error) {
	x.run.Lock()
	defer x.run.Unlock()
	return IndexBodies(ctx, x.store, x.decode)
}

// Close stops the background pass between two batches and waits for it;
// closing again does nothing more.
func (x *BodyIndexer) Close() {
	x.stop()
	x.mu.Lock()
	running := x.state == indexerRunning
	x.state = indexerClosed
	x.mu.Unlock()
	if running {
		<-x.done
	}
}

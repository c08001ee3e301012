package executor

import (
	"context"
	"sync"
)

// lifecycle is how the read pools start once and stop: the first Next starts the workers (once), and
// Close cancels them and waits until every one has stopped (done).
type lifecycle struct {
	once   sync.Once
	cancel context.CancelFunc
	done   chan struct{} // closed when every worker has stopped
}

// stop cancels the workers and waits for them; a pool never started has nothing to stop, and will
// not start after this.
func (l *lifecycle) stop() error {
	l.once.Do(func() {})
	if l.cancel != nil {
		l.cancel()
		<-l.done
	}
	return nil
}

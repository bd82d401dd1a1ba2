// Package progress draws progress bars on stderr when, and only when, it is
// a terminal, so logs and pipes stay clean.
package progress

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Bar counts work done toward a total. A nil *Bar is valid and does nothing.
type Bar struct{ pb *progressbar.ProgressBar }

// New returns a bar on w with the given total and description, or nil when
// w is not a terminal.
func New(w io.Writer, total int64, desc string) *Bar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &Bar{progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

// Set moves the bar to n. Safe to call from one goroutine at a time.
func (b *Bar) Set(n int64) {
	if b != nil {
		b.pb.Set64(n)
	}
}

// Add advances the bar by n.
func (b *Bar) Add(n int64) {
	if b != nil {
		b.pb.Add64(n)
	}
}

// Finish completes and clears the bar.
func (b *Bar) Finish() {
	if b != nil {
		b.pb.Finish()
	}
}

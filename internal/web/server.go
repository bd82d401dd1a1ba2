package web

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/hardnesslab/hardness/internal/explain"
	"io"
	"io/fs"
	"net/http"
	"sync"
	"time"
)

//go:embed static
var static embed.FS

// Limits of the page's requests.
const (
	MaxN         = 4096              // largest n of the slider's instance
	maxBody      = 64 << 10          // bytes of a posted formula
	requestLimit = 60 * time.Second  // deadline of one computation
	queueLimit   = 120 * time.Second // how long a request may wait for its turn
)

// server holds the one-at-a-time gate of heavy computations.
type server struct {
	gate chan struct{}
}

var (
	warm     sync.Once
	warmTook time.Duration
)

// Warm computes, once per process, what the page asks for first and every
// time (the built-in lesson, whose step 10 is memoised, and the transition
// curves), so that the page is interactive at once. [Handler] starts it in
// the background; call it to wait for it. It returns how long the warm-up
// took.
func Warm() time.Duration {
	warm.Do(func() {
		start := time.Now()
		if _, err := explain.New(context.Background(), explain.Example(false), "the built-in example"); err != nil {
			panic("web: the built-in lesson: " + err.Error())
		}
		sharedCurves.get()
		warmTook = time.Since(start)
	})
	return warmTook
}

// Handler returns the explainer: the page at /, its script and style under
// /static/, and the JSON endpoints under /api/ (see the package comment).
func Handler() http.Handler {
	s := &server{gate: make(chan struct{}, 1)}
	go Warm()
	files, err := fs.Sub(static, "static")
	if err != nil {
		panic("web: embedded static files: " + err.Error())
	}
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(files)))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		serveFile(w, files, "index.html", "text/html; charset=utf-8")
	})
	mux.HandleFunc("POST /api/lesson", s.heavy(s.lesson))
	mux.HandleFunc("GET /api/poly", s.heavy(s.poly))
	mux.HandleFunc("GET /api/transition", s.light(s.transition))
	return secure(mux)
}

func serveFile(w http.ResponseWriter, files fs.FS, name, ctype string) {
	data, err := fs.ReadFile(files, name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Write(data)
}

// secure sets headers that keep the page to its own origin: nothing may be
// loaded from elsewhere, and nothing is sent anywhere.
func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; connect-src 'self'; "+
			"style-src 'self'; script-src 'self'; font-src 'none'; frame-ancestors 'none'; form-action 'none'")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// apiFunc computes a JSON answer; an *inputError becomes 400, other
// errors 500.
type apiFunc func(ctx context.Context, r *http.Request) (any, error)

// inputError is a request the page should not have sent (bad formula, n
// out of range): the message says what was expected.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func badInput(format string, args ...any) error { return &inputError{fmt.Sprintf(format, args...)} }

// heavy runs f one request at a time, under a deadline, and writes its
// answer as JSON ({"error": …} on failure).
func (s *server) heavy(f apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), queueLimit)
		defer cancel()
		select {
		case s.gate <- struct{}{}:
		case <-ctx.Done():
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "the server is busy; try again"})
			return
		}
		defer func() { <-s.gate }()
		ctx, cancel2 := context.WithTimeout(r.Context(), requestLimit)
		defer cancel2()
		v, err := f(ctx, r)
		var ie *inputError
		switch {
		case errors.As(err, &ie):
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": ie.msg})
		case err != nil && ctx.Err() != nil:
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "cancelled: " + err.Error()})
		case err != nil:
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		default:
			writeJSON(w, http.StatusOK, v)
		}
	}
}

// light runs f without waiting for the gate (f is cached or cheap).
func (s *server) light(f apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := f(r.Context(), r)
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, v)
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		code, data = http.StatusInternalServerError, []byte(fmt.Sprintf(`{"error":%q}`, "encoding the answer: "+err.Error()))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(data)
}

// readBody reads at most maxBody bytes of the request.
func readBody(r *http.Request) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxBody {
		return nil, badInput("the formula is larger than %d KiB; explain takes at most 6 variables and 10 clauses", maxBody>>10)
	}
	return data, nil
}

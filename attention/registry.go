package attention

import (
	"fmt"
	"sort"
	"strings"
)

// Options configures any algorithm; each reads the fields it needs.
type Options struct {
	// Eps is the target relative error of the polynomial method on exp;
	// the degree is chosen automatically. Ignored when Degree or MaxRank is set.
	Eps float64
	// Degree fixes the polynomial degree (a budget); 0 means automatic.
	Degree int
	// MaxRank caps the number of polynomial features r = C(d+g, g); 0 means none.
	MaxRank int
	// Features is the number of Performer random features.
	Features int
	// Seed seeds every random choice (Performer's features).
	Seed uint64
	// MaxMemory is the working-memory limit in bytes; 0 means memlimit.Default.
	MaxMemory int64
	// Workers is the number of goroutines; 0 means runtime.GOMAXPROCS(0).
	// Results do not depend on it (reductions add block partials in block
	// order), so runs on machines of different sizes agree bit for bit.
	Workers int
	// KeyBlocks makes exact attention split the keys into this many blocks
	// merged by log-sum-exp ([Output.MergeKeys]); 0 means automatic (split
	// only with fewer than 16 query rows), 1 never. The split changes the
	// result by rounding, so runs that must agree bit for bit set it alike.
	KeyBlocks int
	// MaxQNorm and MaxKNorm, if positive, are the largest row norms
	// ([MaxRowNorm]) of the whole Q and K of which this call gets a block
	// of rows; the polynomial method plans and scales with them instead of
	// its inputs' (which must not be larger; Plan and Attend check), so
	// row blocks of one instance get one degree, one scaling and one
	// certificate, and their rows equal the unsplit run's bit for bit.
	MaxQNorm, MaxKNorm float64
	// Progress, if non-nil, is called with the fraction of work done, from
	// any goroutine.
	Progress func(done float64)
}

// Info describes a registered algorithm to the tools that compare
// algorithms (the experiments, the command line's help), so that a new
// algorithm appears in them through its registration alone.
type Info struct {
	// Name is the identifier given to New and to --algo.
	Name string
	// Exact is true when the algorithm computes Att up to float64 rounding
	// (its Plan.ErrBound is 0). The experiments measure every other
	// registered algorithm against an exact one.
	Exact bool
}

type entry struct {
	info Info
	ctor func(Options) (Algorithm, error)
}

var algorithms = map[string]entry{}

// Register makes an algorithm constructor available to New under
// info.Name. It is called from init functions and panics on a duplicate
// name.
func Register(info Info, ctor func(Options) (Algorithm, error)) {
	if _, dup := algorithms[info.Name]; dup {
		panic("attention: Register called twice for " + info.Name)
	}
	algorithms[info.Name] = entry{info: info, ctor: ctor}
}

// Names returns the registered algorithm names, sorted.
func Names() []string {
	ns := make([]string, 0, len(algorithms))
	for n := range algorithms {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// Approximations returns the names of the registered algorithms that are
// not exact, sorted: the ones an experiment compares with exact attention.
func Approximations() []string {
	var ns []string
	for _, n := range Names() {
		if !algorithms[n].info.Exact {
			ns = append(ns, n)
		}
	}
	return ns
}

// Lookup returns the registration of name.
func Lookup(name string) (Info, bool) {
	e, ok := algorithms[name]
	return e.info, ok
}

// New returns the algorithm registered under name, configured by o.
func New(name string, o Options) (Algorithm, error) {
	e, ok := algorithms[name]
	if !ok {
		return nil, fmt.Errorf("attention: unknown algorithm %q (want one of %s)", name, strings.Join(Names(), ", "))
	}
	return e.ctor(o)
}

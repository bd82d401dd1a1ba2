package sat

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/internal/cancelcheck"
	"github.com/hardnesslab/hardness/internal/fileio"
)

// TestReadDIMACSCancels: reading an endless formula through a context
// reader (as the commands read files) stops on cancellation.
func TestReadDIMACSCancels(t *testing.T) {
	cancelcheck.Within(t, "ReadDIMACS", func(ctx context.Context) error {
		r := io.MultiReader(strings.NewReader("p cnf 3 2147483647\n"), &endless{pat: []byte("1 -2 3 0\n")})
		_, err := ReadDIMACS(fileio.ContextReader(ctx, r), "endless.cnf")
		return err
	})
}

// TestSolveCancels: gini on a hard random formula stops on cancellation.
func TestSolveCancels(t *testing.T) {
	f, err := Random(GenOptions{Vars: 400, Clauses: ClausesForRatio(400, 4.26), K: 3, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	cancelcheck.Within(t, "Solve", func(ctx context.Context) error {
		_, err := Solve(ctx, f)
		return err
	})
}

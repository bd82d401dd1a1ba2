package sat

import (
	"strings"
	"testing"
)

// TestDIMACSRepeatedLiterals: a clause may repeat a literal (DIMACS allows
// it, and the reader accepts it), so the refusal of a clause longer than
// 2·v literals does not ask for each literal at most once.
func TestDIMACSRepeatedLiterals(t *testing.T) {
	if _, err := ReadDIMACS(strings.NewReader("p cnf 2 1\n1 1 2 0\n"), "dup.cnf"); err != nil {
		t.Fatalf("a repeated literal: %v; want it accepted", err)
	}
	_, err := ReadDIMACS(strings.NewReader("p cnf 1 1\n1 1 -1 0\n"), "long.cnf")
	if err == nil {
		t.Fatal("a clause of 3 literals over 1 variable: accepted; want the 2·v refusal")
	}
	if strings.Contains(err.Error(), "each literal at most once") || !strings.Contains(err.Error(), "at most 2·1 literals per clause") {
		t.Errorf("refusal %q; want it to state the 2·v bound, not 'each literal at most once'", err)
	}
}

package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/sat"
	"github.com/spf13/cobra"
)

// exampleCNF is the formula solve decides when given no file: planted
// random 3-SAT with 50 variables and 213 clauses (m/v = 4.26, the
// satisfiability threshold), written by
// "hardness gen cnf --vars 50 --ratio 4.26 --planted --seed 1".
//
//go:embed examples/planted-3sat-v50.cnf
var exampleCNF []byte

const exampleName = "examples/planted-3sat-v50.cnf (built in)"

// SAT-competition exit statuses of solve.
const (
	exitSat   = 10
	exitUnsat = 20
)

// vLineWidth is the width at which "v" lines are wrapped.
const vLineWidth = 78

type solveOptions struct {
	timeout   time.Duration
	json      bool
	maxMemory string
}

func newSolveCmd() *cobra.Command {
	o := &solveOptions{}
	cmd := &cobra.Command{
		Use:   "solve [FILE|-]",
		Short: "Decide a DIMACS CNF formula with gini (SAT-competition output)",
		Long: `Decide a CNF formula in DIMACS format with the gini SAT solver and print the
verdict in SAT-competition format: "c" comment lines with statistics, one of
"s SATISFIABLE", "s UNSATISFIABLE" or "s UNKNOWN" (timeout or interrupt),
and for SAT the model as "v" lines ending in 0. The model is verified
against the formula before it is printed.

FILE may be "-" for standard input, and may be compressed with gzip, xz or
bzip2. The reader accepts SATLIB's quirks (the "%" end marker, extra
spaces, comments anywhere, CRLF) and rejects malformed input with
FILE:LINE:COLUMN and what was expected.

Without FILE, solve decides the built-in example: a planted random 3-SAT
formula with 50 variables and 213 clauses (ratio 4.26, the satisfiability
threshold; satisfiable by construction), as written by
"hardness gen cnf --vars 50 --ratio 4.26 --planted --seed 1".

Exit status: 10 satisfiable, 20 unsatisfiable, 0 unknown, 2 bad input,
1 internal error (a model that fails verification).`,
		Example: `  # the built-in example
  hardness solve

  # a SATLIB file, a compressed one, and standard input
  hardness solve uf20-01.cnf
  hardness solve --timeout 30s hole10.cnf.xz
  hardness gen cnf --vars 200 --ratio 4.26 --seed 7 | hardness solve -

  # one JSON object instead of the competition format
  hardness solve --json uuf50-01.cnf`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) },
	}
	fs := cmd.Flags()
	fs.DurationVar(&o.timeout, "timeout", 0, "give up after this long and answer UNKNOWN (0: no limit)")
	fs.BoolVar(&o.json, "json", false, "print one JSON object instead of SAT-competition lines")
	fs.StringVar(&o.maxMemory, "max-memory", "8GiB", "refuse formulas whose solver memory would exceed this")
	return cmd
}

// solveReport is the --json output.
type solveReport struct {
	File    string  `json:"file"`
	Status  string  `json:"status"` // SAT, UNSAT or UNKNOWN
	Vars    int     `json:"vars"`
	Clauses int     `json:"clauses"`
	Lits    int     `json:"lits"`
	Seconds float64 `json:"seconds"`          // search wall time
	Reason  string  `json:"reason,omitempty"` // why UNKNOWN
	Model   []int   `json:"model,omitempty"`  // DIMACS literals 1..vars when SAT
}

func (o *solveOptions) run(cmd *cobra.Command, args []string) error {
	limit, err := memlimit.Parse(o.maxMemory)
	if err != nil {
		return withCode(exitBadInput, fmt.Errorf("--max-memory: %w", err))
	}
	f, name, err := readFormula(cmd, args, limit)
	if err != nil {
		return withCode(exitBadInput, err)
	}
	if err := memlimit.Check(fmt.Sprintf("gini on %d variables and %d clauses", f.Vars, len(f.Clauses)),
		solverMemory(f), limit, "raise --max-memory if the machine has it"); err != nil {
		return withCode(exitBadInput, err)
	}
	ctx := cmd.Context()
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	res, err := sat.Solve(ctx, f)
	if res == nil {
		return withCode(exitMismatch, err) // a model failed verification: a solver bug
	}
	reason := ""
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		reason = fmt.Sprintf("timeout after %v", o.timeout)
	case errors.Is(err, context.Canceled):
		reason = "interrupted"
	case err != nil:
		return withCode(exitMismatch, err)
	}
	if o.json {
		err = writeSolveJSON(cmd.OutOrStdout(), name, res, reason)
	} else {
		err = writeSolveText(cmd.OutOrStdout(), name, res, reason)
	}
	if err != nil {
		return err
	}
	switch res.Status {
	case sat.Sat:
		return withCode(exitSat, nil)
	case sat.Unsat:
		return withCode(exitUnsat, nil)
	}
	return nil
}

// readFormula reads FILE, standard input for "-", or the built-in example,
// holding at most limit bytes of clauses.
func readFormula(cmd *cobra.Command, args []string, limit int64) (*sat.Formula, string, error) {
	switch {
	case len(args) == 0:
		f, err := sat.ReadDIMACS(bytes.NewReader(exampleCNF), exampleName)
		return f, exampleName, err
	case args[0] == "-":
		f, err := sat.ReadDIMACSLimit(cmd.InOrStdin(), "<stdin>", limit)
		return f, "<stdin>", err
	}
	f, err := readCNF(cmd.Context(), args[0], limit)
	return f, args[0], err
}

// solverMemory estimates gini's memory for f: about 220 bytes per variable
// (measured with gini v1.0.4 on 10⁶ variables) plus its clause store.
func solverMemory(f *sat.Formula) int64 {
	return 256*int64(f.Vars) + 32*int64(len(f.Clauses)) + 8*int64(f.NumLits())
}

func writeSolveText(w io.Writer, name string, res *sat.Result, reason string) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "c hardness solve %s\n", name)
	fmt.Fprintf(bw, "c %s, %s, %s\n", countOf(res.Vars, "variable"), countOf(res.Clauses, "clause"), countOf(res.Lits, "literal"))
	fmt.Fprintf(bw, "c gini v1.0.4: search %.6f s\n", res.Elapsed.Seconds())
	switch res.Status {
	case sat.Sat:
		fmt.Fprintln(bw, "c model verified against every clause")
		fmt.Fprintln(bw, "s SATISFIABLE")
		writeVLines(bw, res.Model)
	case sat.Unsat:
		fmt.Fprintln(bw, "s UNSATISFIABLE")
	default:
		if reason != "" {
			fmt.Fprintf(bw, "c %s\n", reason)
		}
		fmt.Fprintln(bw, "s UNKNOWN")
	}
	return bw.Flush()
}

// writeVLines writes a's literals as "v …" lines of at most vLineWidth
// bytes, the last one ending in 0.
func writeVLines(w *bufio.Writer, a sat.Assignment) {
	line := []byte("v")
	for _, l := range append(a.Lits(), 0) {
		tok := strconv.Itoa(int(l))
		if len(line)+1+len(tok) > vLineWidth {
			w.Write(append(line, '\n'))
			line = append(line[:0], 'v')
		}
		line = append(append(line, ' '), tok...)
	}
	w.Write(append(line, '\n'))
}

func writeSolveJSON(w io.Writer, name string, res *sat.Result, reason string) error {
	r := solveReport{File: name, Status: res.Status.String(), Vars: res.Vars, Clauses: res.Clauses,
		Lits: res.Lits, Seconds: res.Elapsed.Seconds(), Reason: reason}
	for _, l := range res.Model.Lits() {
		r.Model = append(r.Model, int(l))
	}
	return json.NewEncoder(w).Encode(r)
}

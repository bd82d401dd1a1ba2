package experiments

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/hardnesslab/hardness/internal/fileio"
)

// Table is a CSV table: a header and rows of formatted values, appended as
// an experiment measures them.
type Table struct {
	// Name is the file name without ".csv".
	Name    string
	Columns []string
	rows    [][]string
}

// NewTable returns an empty table with the given columns.
func NewTable(name string, columns ...string) *Table {
	return &Table{Name: name, Columns: columns}
}

// Append adds a row. Values are formatted by [FormatValue]. It panics if
// the number of values differs from the number of columns (programmer
// misuse).
func (t *Table) Append(values ...any) {
	if len(values) != len(t.Columns) {
		panic(fmt.Sprintf("experiments: table %s: %d values for %d columns", t.Name, len(values), len(t.Columns)))
	}
	row := make([]string, len(values))
	for i, v := range values {
		row[i] = FormatValue(v)
	}
	t.rows = append(t.rows, row)
	if testHookAppend != nil {
		testHookAppend(t.Name, len(t.rows))
	}
}

// testHookAppend, if set (by tests only), is called after every Append with
// the table's name and row count; tests use it to interrupt a run at a
// deterministic point.
var testHookAppend func(table string, rows int)

// Len returns the number of rows.
func (t *Table) Len() int { return len(t.rows) }

// Row returns row i (not a copy).
func (t *Table) Row(i int) []string { return t.rows[i] }

// FormatValue formats a CSV cell: floats in the shortest form that reads
// back exactly ("NaN", "+Inf", "-Inf" for non-finite values), durations in
// seconds, booleans as true/false, anything else with %v.
func FormatValue(v any) string {
	switch x := v.(type) {
	case float64:
		return formatFloat(x)
	case float32:
		return formatFloat(float64(x))
	case time.Duration:
		return formatFloat(x.Seconds())
	case bool:
		return strconv.FormatBool(x)
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

func formatFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "+Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// WriteCSV writes the header and the rows to w (RFC 4180 quoting).
func (t *Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Columns); err != nil {
		return err
	}
	if err := cw.WriteAll(t.rows); err != nil {
		return err
	}
	return cw.Error()
}

// WriteCSVFile writes the table to path atomically.
func (t *Table) WriteCSVFile(path string) error {
	return fileio.WriteAtomic(path, t.WriteCSV)
}

func writeText(path, s string) error {
	return fileio.WriteAtomic(path, func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	})
}

// ReadCSV reads a CSV file written by [Table.WriteCSVFile]: the header and
// the rows. It is used by the tests and by readers of committed results.
func ReadCSV(path string) (header []string, rows [][]string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(all) == 0 {
		return nil, nil, fmt.Errorf("reading %s: empty file, want a header line", path)
	}
	return all[0], all[1:], nil
}

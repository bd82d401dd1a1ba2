package experiments

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestDamagedShardPoints: points that no run records are refused by name
// when a merge reads them back (a null value panicked the scaling merge;
// NaN and negative times were tabulated and plotted).
func TestDamagedShardPoints(t *testing.T) {
	good := `{"algo":"exact","b":1,"n":256,"seconds":0.001,"reps":3,"max_err":1e-17,"bound":0,"flops":1e6}`
	read := func(name, value string) error {
		m := map[string]pointValue{"k": {Value: json.RawMessage(value), file: "dir/shard-0-of-2.json"}}
		var err error
		switch name {
		case "scaling":
			_, _, err = readPoint[*scalingPoint](m, "k")
		case "transition":
			_, _, err = readPoint[[]measuredPoint](m, "k")
		case "pipeline":
			_, _, err = readPoint[*pipelineRow](m, "k")
		case "hardness":
			_, _, err = readPoint[*hardnessRow](m, "k")
		}
		return err
	}
	if err := read("scaling", good); err != nil {
		t.Fatalf("a good point: %v", err)
	}
	for _, tt := range []struct{ exp, value, want string }{
		{"scaling", `null`, "no value"},
		{"scaling", strings.Replace(good, `"seconds":0.001`, `"seconds":-5`, 1), "seconds -5"},
		{"scaling", strings.Replace(good, `"seconds":0.001`, `"seconds":"NaN"`, 1), "seconds NaN"},
		{"scaling", strings.Replace(good, `"seconds":0.001`, `"seconds":"+Inf"`, 1), "seconds +Inf"},
		{"scaling", strings.Replace(good, `"n":256`, `"n":0`, 1), "n 0"},
		{"scaling", strings.Replace(good, `"max_err":1e-17`, `"max_err":-1`, 1), "max_err -1"},
		{"transition", `[{"n":256,"seconds":-1}]`, "measurement 0: seconds -1"},
		{"pipeline", `null`, "no value"},
		{"pipeline", `{"file":"a.cnf","total":1,"stages":{"attention":"NaN"}}`, "stage attention NaN"},
		{"hardness", `{"exact_sec":-2}`, "exact_sec -2"},
	} {
		err := read(tt.exp, tt.value)
		var d *DamagedShardError
		if !errors.As(err, &d) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "dir/shard-0-of-2.json") {
			t.Errorf("%s point %s: %v; want a DamagedShardError naming the file and %q", tt.exp, tt.value, err, tt.want)
		}
	}
}

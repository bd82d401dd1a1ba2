package reduction

import (
	"context"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/ovp"
)

// TestPropertiesOnRowsRead builds an OV instance whose only negative logit
// lies in a query row the pipeline's property pass does not read (rows
// 0..31 and the heaviest row 39 are orthogonal to every b_j, row 35 is
// not). The pass must not print "holds" for a property of every row that
// it checked on 33 of 40 rows and that the default form does not prove
// (logits ≥ 0): it says Sampled. The check on all rows (CheckProperties)
// finds the failure, and the property the default form proves for every
// row (half of each row at B' = 0) is Holds, marked "by construction".
func TestPropertiesOnRowsRead(t *testing.T) {
	x := ovp.New(40, 2, 4)
	for i := range 40 {
		x.SetVector(ovp.A, i, []uint8{0, 0, 0, 1})
	}
	x.SetVector(ovp.A, 35, []uint8{1, 0, 0, 0})
	x.SetVector(ovp.A, 39, []uint8{0, 0, 1, 1}) // the heaviest row
	x.SetVector(ovp.B, 0, []uint8{1, 0, 0, 0})
	x.SetVector(ovp.B, 1, []uint8{0, 1, 0, 0})
	r, err := RunOV(context.Background(), x, Options{Algo: exactAlgo(t)})
	if err != nil {
		t.Fatal(err)
	}
	props := map[string]Property{}
	for _, p := range r.Properties {
		props[p.Name] = p
	}
	inRange, half := props["logits QKᵀ/d in [0, B']"], props["≥ half of each row equal to B'"]
	if inRange.Status != Sampled || !strings.Contains(inRange.Value, "33 of 40 query rows read") {
		t.Errorf("logits in [0, B'] on 33 of 40 rows: %+v; want status %q naming the rows read", inRange, Sampled)
	}
	if half.Status != Holds || !strings.Contains(half.Value, "by construction") {
		t.Errorf("half of each row at B' (proved by the default form): %+v; want holds, by construction", half)
	}
	in, err := FromOV(x, r.Params.Delta)
	if err != nil {
		t.Fatal(err)
	}
	if all := CheckProperties(in.Q, in.K, in.V, in.Params); all[0].Status != Fails {
		t.Errorf("on every row, logits in [0, B'] = %+v; want fails (row 35 has a negative logit)", all[0])
	}
	var b strings.Builder
	r.writeProperties(func(label, format string, args ...any) { wrapLine(&b, label, format, args...) })
	if !strings.Contains(b.String(), "holds on the rows read: logits") {
		t.Errorf("the text does not say the range holds only on the rows read:\n%s", b.String())
	}
}

// TestPropertiesLeastFractionRow: when every row has all its keys at B'
// the least fraction is 1 and names a real row, never row −1.
func TestPropertiesLeastFractionRow(t *testing.T) {
	x := ovp.New(1, 1, 2) // a = b = 0: every logit 0
	r, err := RunOV(context.Background(), x, Options{Algo: exactAlgo(t)})
	if err != nil {
		t.Fatal(err)
	}
	if v := r.Properties[1].Value; strings.Contains(v, "row -1") || !strings.Contains(v, "least fraction 1 (row 0)") {
		t.Errorf("half at B' = %q; want least fraction 1 (row 0)", v)
	}
}

package npy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// numpyHeaders are header dicts to compare with NumPy: what it writes,
// what it reads though it never writes it, and what it rejects.
var numpyHeaders = []string{
	"{'descr': '<f8', 'fortran_order': False, 'shape': (64, 8), }",
	"{'shape': (64, 8), 'fortran_order': False, 'descr': '<f8'}",
	`{"descr": "<f8", "fortran_order": False, "shape": (64, 8)}`,
	"{'descr': '<d', 'fortran_order': False, 'shape': (64, 8)}",
	"{'descr': 'f8', 'fortran_order': False, 'shape': (64, 8)}",
	"{'descr': 'float64', 'fortran_order': False, 'shape': (64, 8)}",
	"{'descr': '<f8', 'fortran_order': False, 'shape': (64L, 8L), }",
	"{'descr': '<f8', 'fortran_order': False, 'shape': ((64),(8))}",
	"{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }",
	"{'descr': '<i8', 'fortran_order': False, 'shape': ()}",
	"{'descr': '>f4', 'fortran_order': True, 'shape': (2, 3)}",
	"{'descr': '|u1', 'fortran_order': False, 'shape': (4, 7), }",
	"{'descr': '|b1', 'fortran_order': False, 'shape': (4, 7), }",
	"{'descr': '?', 'fortran_order': False, 'shape': (4, 7), }",
	"{'descr': '<f8', # the dtype\n 'fortran_order': False,\n 'shape': (0o10, 0b11)}",
	"{'descr': '<f8', 'fortran_order': False, 'shape': (0x40, 1_0)}",
	"{'descr': '<' 'f8', 'fortran_order': False, 'shape': (2, 2)}",
	"{u'descr': u'<f8', 'fortran_order': False, 'shape': (2, 2)}",
	"{'descr': '<i8', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)}",
	"{'descr': '<f8', 'fortran_order': False, 'shape': (True, 2)}",
	"",
	"('<f8', False, (2,))",
	"{'descr': '<f8', 'shape': (2,)}",
	"{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}",
	"{'descr': '<f8', 'fortran_order': False, 'shape': [64, 8]}",
	"{'descr': '<f8', 'fortran_order': False, 'shape': ('a', 32)}",
	"{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}",
	"{'descr': '|u7', 'fortran_order': False, 'shape': (2,)}",
	"{'descr': '{', 'fortran_order': False, 'shape': (2,)}",
	"{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,)}",
	"{'descr': '<c16', 'fortran_order': False, 'shape': (2,)}",
	"{'descr': '<f8', 'fortran_order': False, 'shape': (64l, 8)}",
	"{'descr: '<f8'}",
	"{descr: 1}",
	"{'descr': '<f8', 'fortran_order': False, 'shape': (2,)} x",
	"{'descr': '<f8', 'fortran_order': False, 'shape': (08,)}",
	"{b'descr': '<f8', 'fortran_order': False, 'shape': (2,)}",
	"{'descr': '<f8', 'fortran_order': False, 'shape': (1.0, 2)}",
	"{'descr': '<f8', 'fortran_order': None, 'shape': (2,)}",
	"{'descr': '<f8', 'fortran_order': False, 'shape': (2,),,}",
}

// numpyScript reads each file's header with numpy.lib.format, as
// numpy.load does, and prints one JSON result per file.
const numpyScript = `
import json, sys
import numpy.lib.format as fmt
out = []
for path in sys.argv[1:]:
    try:
        with open(path, 'rb') as f:
            version = fmt.read_magic(f)
            shape, fortran, dtype = fmt._read_array_header(f, version)
        out.append({"ok": True, "shape": [int(x) for x in shape], "fortran": bool(fortran), "dtype": dtype.str})
    except Exception as e:
        out.append({"ok": False, "why": str(e)[:200]})
print(json.dumps(out))
`

// TestHeadersAgainstNumPy checks ReadHeader against NumPy's own reader on
// numpyHeaders (skipped without /usr/bin/python3 and NumPy; CI installs
// python3-numpy): NumPy accepts a header iff ReadHeader does, with the
// same shape, order and dtype — except dtypes the package does not read,
// which must be refused with a *DtypeError naming them.
func TestHeadersAgainstNumPy(t *testing.T) {
	const python = "/usr/bin/python3"
	if out, err := exec.Command(python, "-c", "import numpy").CombinedOutput(); err != nil {
		t.Skipf("%s with NumPy not available: %v %s", python, err, bytes.TrimSpace(out))
	}
	dir := t.TempDir()
	var paths []string
	for i, d := range numpyHeaders {
		p := filepath.Join(dir, fmt.Sprintf("h%02d.npy", i))
		if err := os.WriteFile(p, npyFile(d, nil), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	out, err := exec.Command(python, append([]string{"-c", numpyScript}, paths...)...).Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	var res []struct {
		OK      bool
		Shape   []int
		Fortran bool
		Dtype   string
		Why     string
	}
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(paths) {
		t.Fatalf("python output %q: %v", out, err)
	}
	for i, d := range numpyHeaders {
		h, err := ReadHeader(bytes.NewReader(npyFile(d, nil)))
		np := res[i]
		var de *DtypeError
		switch {
		case np.OK && err == nil:
			if !reflect.DeepEqual(h.Shape, np.Shape) && !(len(h.Shape) == 0 && len(np.Shape) == 0) || h.Fortran != np.Fortran ||
				h.Dtype.String() != np.Dtype && !(h.Dtype.Size == 1 && strings.TrimLeft(h.Dtype.String(), "|") == strings.TrimLeft(np.Dtype, "|")) {
				t.Errorf("%q: ReadHeader = %v %v %s; NumPy %v %v %s", d, h.Shape, h.Fortran, h.Dtype, np.Shape, np.Fortran, np.Dtype)
			}
		case np.OK && errors.As(err, &de):
			// a dtype NumPy reads and this package does not: refused with its name
		case np.OK:
			t.Errorf("%q: NumPy reads it (%v %s); ReadHeader: %v", d, np.Shape, np.Dtype, err)
		case err == nil:
			t.Errorf("%q: NumPy refuses it (%s); ReadHeader accepts %v %s", d, np.Why, h.Shape, h.Dtype)
		}
	}
}

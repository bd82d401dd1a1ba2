package suite_test

import (
	"fmt"

	"github.com/hardnesslab/hardness/suite"
)

// The list flags of `hardness gen suite`: numbers, "auto" (the
// construction's own ratio), LO:HI:STEP ranges and doubling ranges.
func ExampleParseList() {
	cs, _ := suite.ParseList("auto,2.5,3:4:0.5", true)
	ns, _ := suite.ParseList("256..2048", false)
	fmt.Println(cs, ns)
	fmt.Println(suite.Cell{Route: "ov", N: 256, Gap: 0.1, C: 3}.Key(), suite.Cell{Route: "cnf", N: 64}.Key())
	// Output:
	// [0 2.5 3 3.5 4] [256 512 1024 2048]
	// ov-n256-g0.1-c3 cnf-n64-cauto
}

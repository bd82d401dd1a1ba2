// Package allocs measures the bytes a function allocates, for the tests
// and fuzz targets that bound what a reader may allocate on hostile input
// (issue 14: a budget derived from the input's declared sizes).
package allocs

import "runtime"

// Of returns the bytes allocated on the heap while f ran (the runtime's
// cumulative TotalAlloc before and after; other goroutines' allocations
// count too, so call it where none run). Cost: two stop-the-world
// runtime.ReadMemStats calls, tens of microseconds.
func Of(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

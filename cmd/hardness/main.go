// Command hardness runs, measures and teaches the result of Alman and Song
// (2023): fast attention requires bounded entries. See README.md.
package main

import "os"

func main() {
	useSlurmCPUs()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

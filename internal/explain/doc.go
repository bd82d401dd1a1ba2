// Package explain builds the lesson printed by `hardness explain`: the whole
// reduction from CNF-SAT to attention (Alman and Song 2023), step by step,
// on a formula small enough to follow by hand.
//
// # Overview
//
// A lesson is a [Doc], a list of blocks (headings, paragraphs, tables,
// preformatted arithmetic) rendered either as plain text that fits an
// 80-column terminal, coloured only on a terminal without NO_COLOR, or as
// a Markdown handout. Every number in a lesson is computed by the real
// packages (sat, ovp, reduction, attention): nothing is written by hand.
package explain

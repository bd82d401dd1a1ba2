// Package explain builds the lesson printed by `hardness explain`: the whole
// reduction from CNF-SAT to attention (Alman and Song 2023), step by step,
// on a formula small enough to follow by hand, then the polynomial method
// (the theorem's upper bound) on the same instance and at scale.
//
// # Overview
//
// [New] returns a [Lesson]: a [Doc], a list of blocks (headings,
// paragraphs, tables, preformatted arithmetic) rendered as plain text that
// fits an 80-column terminal (coloured only on a terminal without
// NO_COLOR) or as a Markdown handout, together with every intermediate
// object (the OV vectors, Q, K, V, the logits, T, the verdict) that the
// figures and the explainer page draw. Every number in a lesson is computed
// by the real packages (sat, ovp, reduction, attention, expapprox): nothing
// is written by hand. Steps 9 and 10 are each one computation ([FastPath],
// [Scaling]) that the text, its tables, the figures and the page all read,
// so they cannot disagree. [Doc.Select] cuts out single steps.
//
// # Notation
//
// Each symbol has one meaning throughout the lesson, the tutorial and the
// package documentation: F is the formula; σ and π are partial
// assignments of the left and right halves of its variables; a_σ and b_π
// (a_i, b_j) their 0/1 vectors; B is only the entry bound of Q and K
// (max |entry|); R the logit radius max‖q‖·max‖k‖/d ≤ B²; g the degree of
// the polynomial P ≈ e^x; φ and ψ only the feature maps with
// P(⟨q,k⟩/d) = ⟨φ(q), ψ(k)⟩; r = C(d+g, g) their length; τ the threshold
// and tol = 3/(8(M+1)) the error on T the decoder tolerates.
package explain

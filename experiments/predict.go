package experiments

// Prediction is the transition experiment's prediction at one (n, c), as
// its "predicted" table and the predicted_exponent figure report it: d =
// log2 n, B = c·√ln n, ε = 1/n, logits in [−B², B²], the solver's degree g
// and rank r = C(d+g, g), and the cost exponent log_n(n·r·d).
type Prediction struct {
	N         int     `json:"n"`
	D         int     `json:"d"`
	C         float64 `json:"c"`
	B         float64 `json:"B"`
	R         float64 `json:"R"`
	Eps       float64 `json:"eps"`
	Degree    int     `json:"degree"`
	Rank      float64 `json:"rank"`
	CertErr   float64 `json:"cert_err"`
	Certified bool    `json:"certified"` // false where no float64 polynomial reaches ε
	Exponent  float64 `json:"exponent"`
}

// PredictTransition returns the transition experiment's prediction at
// (n, c), computed by the same function as the experiment, so that the
// explainer page (internal/web) draws the experiment's curve. Cost: one
// degree search (milliseconds; memoised by expapprox).
func PredictTransition(n int, c float64) Prediction {
	p := predictPoint(n, c)
	return Prediction{N: p.n, D: p.d, C: p.c, B: p.b, R: p.r, Eps: p.eps, Degree: p.degree, Rank: p.rank,
		CertErr: p.certErr, Certified: p.certified, Exponent: p.exponent}
}
